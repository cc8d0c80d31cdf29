"""Makes the model the model-UDF benchmark runs: an MLP from 128 floats to a 64-float embedding.

    /usr/bin/python3 make_bench_model.py     (Debian's PyTorch: apt-get install python3-torch)
"""
import torch

torch.manual_seed(7)
mlp = torch.nn.Sequential(torch.nn.Linear(128, 512), torch.nn.GELU(), torch.nn.Linear(512, 64)).eval()
torch.jit.script(mlp).save("mlp128.pt")
print("wrote mlp128.pt")
