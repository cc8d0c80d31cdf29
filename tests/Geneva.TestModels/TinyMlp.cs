using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Geneva.TestModels;

/// <summary>4 values in, 3 out: Linear(4, 8), ReLU, Linear(8, 3).</summary>
public sealed class TinyMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public TinyMlp() : base(nameof(TinyMlp))
    {
        fc1 = nn.Linear(4, 8);
        fc2 = nn.Linear(8, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = nn.functional.relu(fc1.forward(input));
        return fc2.forward(hidden);
    }
}
