"""Makes the small TorchScript models the model-UDF tests run, and their expected outputs.

Run with Debian's PyTorch (apt-get install python3-torch; /usr/bin/python3), from this folder:
    /usr/bin/python3 make_models.py
Users' models come from PyTorch like these, so the tests load real PyTorch files rather than
models made by TorchSharp itself. Inputs are defined here and rebuilt identically by the tests
(ModelUdfTests.cs); expected.json holds PyTorch's outputs for them.
"""
import json
import torch

torch.manual_seed(20261125)
ROWS = 40


class Linear4to3(torch.nn.Module):
    """[B, 4] float -> [B, 3]: a fixed-size-list input to a fixed-size-list output."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc(x))


class MeanEmbedding(torch.nn.Module):
    """[B, L] int64 token ids padded with 0 -> [B, 4]: the mean embedding of the non-pad tokens."""

    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(16, 4, padding_idx=0)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != 0).unsqueeze(-1).to(torch.float32)
        summed = (self.emb(ids) * mask).sum(dim=1)
        return summed / mask.sum(dim=1).clamp(min=1.0)


class Halve(torch.nn.Module):
    """[B] int64 -> [B] float32."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.float32) * 0.5 + 1.0


def vectors():
    return [[(r * 4 + c) / 10.0 - 8.0 for c in range(4)] for r in range(ROWS)]


def token_lists():
    # Lengths 1..5 varying by row, ids 1..15 (0 is padding).
    return [[(r + k) % 15 + 1 for k in range(r % 5 + 1)] for r in range(ROWS)]


def padded(lists):
    width = max(len(l) for l in lists)
    return [l + [0] * (width - len(l)) for l in lists]


models = {
    "linear4to3.pt": (Linear4to3(), torch.tensor(vectors(), dtype=torch.float32)),
    "mean_embedding.pt": (MeanEmbedding(), torch.tensor(padded(token_lists()), dtype=torch.int64)),
    "halve.pt": (Halve(), torch.arange(ROWS, dtype=torch.int64)),
}
expected = {}
for name, (module, x) in models.items():
    module.eval()
    scripted = torch.jit.script(module)
    scripted.save(name)
    with torch.no_grad():
        expected[name] = torch.jit.load(name)(x).tolist()
with open("expected.json", "w") as f:
    json.dump({"torch": torch.__version__, "rows": ROWS, "outputs": expected}, f, indent=1)
print("wrote", ", ".join(models), "and expected.json with torch", torch.__version__)
