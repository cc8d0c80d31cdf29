using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Geneva.TestModels;

/// <summary>4 values in, 3 out: Linear(4, hidden), ReLU, Linear(hidden, 3). Subclasses fix the hidden width.</summary>
public abstract class TwoLayerMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    protected TwoLayerMlp(string name, int hidden) : base(name)
    {
        fc1 = nn.Linear(4, hidden);
        fc2 = nn.Linear(hidden, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = nn.functional.relu(fc1.forward(input));
        return fc2.forward(hidden);
    }
}
