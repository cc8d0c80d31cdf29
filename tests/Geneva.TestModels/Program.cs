using System.Text.Json;
using Geneva.TestModels;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

// Usage: Geneva.TestModels <folder> [rows] [seed]
// Writes tinymlp.dat (TorchSharp format), tinymlp.safetensors, tinymlp.pt (PyTorch state_dict) with
// one set of random weights, and tinymlp.json: random inputs and TinyMlp's own forward pass over them.
var folder = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Geneva.TestModels <folder> [rows] [seed]");
var rows = args.Length > 1 ? int.Parse(args[1]) : 40;
var seed = args.Length > 2 ? long.Parse(args[2]) : 7;
Directory.CreateDirectory(folder);
torch.manual_seed(seed);
using var model = new TinyMlp();
model.eval();
model.save(Path.Combine(folder, "tinymlp.dat"));
model.save_safetensors(Path.Combine(folder, "tinymlp.safetensors"));
model.save_py(Path.Combine(folder, "tinymlp.pt"));
using var noGrad = torch.no_grad();
using var inputs = torch.randn(rows, 4);
using var outputs = model.forward(inputs);
float[][] Rows(Tensor t) => Enumerable.Range(0, rows).Select(r => t[r].data<float>().ToArray()).ToArray();
File.WriteAllText(Path.Combine(folder, "tinymlp.json"),
    JsonSerializer.Serialize(new { inputs = Rows(inputs), outputs = Rows(outputs) }));
Console.WriteLine($"{rows} rows, seed {seed}: {folder}");
