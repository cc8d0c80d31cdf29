namespace Geneva.TestModels;

/// <summary>Same input and output as <see cref="TinyMlp"/>, a hidden layer of 16: TinyMlp's weights do not fit it.</summary>
public sealed class WideMlp() : TwoLayerMlp(nameof(WideMlp), 16);
