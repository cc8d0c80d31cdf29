using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Geneva.TestModels;

/// <summary>Same input and output as <see cref="TinyMlp"/> but other layer shapes, so TinyMlp's weights do not fit it.</summary>
public sealed class WideMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public WideMlp() : base(nameof(WideMlp))
    {
        fc1 = nn.Linear(4, 16);
        fc2 = nn.Linear(16, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = nn.functional.relu(fc1.forward(input));
        return fc2.forward(hidden);
    }
}
