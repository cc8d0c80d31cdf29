namespace Geneva.TestModels;

/// <summary>The module the tests save weights of: a hidden layer of 8.</summary>
public sealed class TinyMlp() : TwoLayerMlp(nameof(TinyMlp), 8);
