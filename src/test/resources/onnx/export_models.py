#!/usr/bin/python3
"""Exports the small PyTorch models vivit4j's ONNX import is tested on, with inputs and outputs.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx):
    /usr/bin/python3 src/test/resources/onnx/export_models.py
It rewrites, for every model M in this folder: M.onnx (float32 weights, a dynamic batch axis),
M.x.npy (inputs, float32 or int64), M.y.npy (int64 class labels) and M.out.npy (the model's output
computed by PyTorch in float64 from the same float32 weights, the exact value vivit4j's float64
forward pass must reproduce). Seeds are fixed; the files are deterministic for one PyTorch version.

Export recipe (what a user should do): torch.onnx.export(model.eval(), x, path,
training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False). PRESERVE keeps BatchNorm
as BatchNormalization with its own weight and bias; the default EVAL export with constant folding
folds BatchNorm into the preceding Conv, which changes the parametrisation.
"""
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
N = 4


class BasicBlock(nn.Module):
    """A ResNet basic block: conv-bn-relu-conv-bn, plus an identity or 1x1-conv-bn shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


class ResNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.layer1 = BasicBlock(4, 4, 1)
        self.layer2 = BasicBlock(4, 8, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


class ViewMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 5, bias=False)
        self.fc2 = nn.Linear(5, 10)

    def forward(self, x):
        return self.fc2(torch.selu(self.fc1(x.view(x.size(0), -1))))


class SiluResidual(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        h = self.fc1(x)
        return self.fc2(h + nn.functional.silu(h))


def fmnist_2c2d():
    """DeepOBS's fmnist_2c2d (3 274 634 parameters) as its PyTorch version defines it."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(3136, 1024), nn.ReLU(), nn.Linear(1024, 10))


def models():
    torch.manual_seed(0)
    yield "mlp", nn.Sequential(
        nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 12), nn.Sigmoid(),
        nn.Linear(12, 10)), (1, 28, 28), 13
    yield "fmnist_2c2d", fmnist_2c2d(), (1, 28, 28), 13
    yield "layernorm_gelu", nn.Sequential(
        nn.Flatten(), nn.Linear(64, 24), nn.LayerNorm(24), nn.GELU(), nn.Linear(24, 5)), (1, 8, 8), 17
    yield "layernorm_gelu_opset13", nn.Sequential(
        nn.Flatten(), nn.Linear(64, 24), nn.LayerNorm(24), nn.GELU(), nn.Linear(24, 5)), (1, 8, 8), 13
    yield "zeropad_conv", nn.Sequential(
        nn.ZeroPad2d((1, 2, 0, 1)), nn.Conv2d(2, 3, 3), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(3 * 2 * 4, 4)), (2, 6, 7), 13
    resnet = ResNetTiny()
    # BatchNorm with non-trivial running statistics and affine parameters (eval mode uses them)
    with torch.no_grad():
        for m in resnet.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    yield "resnet_tiny", resnet, (1, 12, 12), 13
    # symmetric zero padding in front of a conv (folded into the conv's padding), avg-pool, ELU
    yield "pad_conv_pool", nn.Sequential(
        nn.ZeroPad2d(1), nn.Conv2d(2, 3, 3, stride=2), nn.ELU(alpha=0.7), nn.MaxPool2d(2),
        nn.Conv2d(3, 4, 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(4 * 2 * 2, 6)), (2, 9, 10), 11
    # nn.Linear(bias=False) is exported as MatMul(x, Transpose(weight)); x.view(N, -1) as a
    # Shape/Gather/Unsqueeze/Concat/Reshape chain
    yield "linear_nobias_view", ViewMlp(), (3, 4), 13
    bn = nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 4 * 4, 8),
        nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 4), nn.BatchNorm1d(4, affine=False))
    with torch.no_grad():
        for m in bn.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                if m.affine:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
    yield "batchnorm_chain", bn, (1, 6, 6), 13
    yield "pool1d", nn.Sequential(
        nn.MaxPool1d(3, 2, padding=1), nn.Tanh(), nn.AvgPool1d(2), nn.Flatten(),
        nn.Linear(2 * 3, 4)), (2, 12), 13
    yield "silu_logsigmoid_softplus", nn.Sequential(
        nn.Flatten(), nn.Linear(10, 8), nn.SiLU(), nn.Linear(8, 8), nn.LogSigmoid(),
        nn.Linear(8, 6), nn.Softplus(), nn.Linear(6, 3)), (10,), 13
    yield "conv1d", nn.Sequential(
        nn.Conv1d(2, 3, 3, stride=2, padding=1, dilation=2), nn.ReLU(), nn.Conv1d(3, 2, 2, bias=False),
        nn.Flatten(), nn.Linear(2 * 4, 4)), (2, 11), 13
    yield "convtranspose", nn.Sequential(
        nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1), nn.Tanh(),
        nn.ConvTranspose2d(3, 2, (2, 3), stride=(1, 2), dilation=(2, 1), bias=False),
        nn.Flatten(), nn.Linear(2 * 8 * 17, 4)), (2, 3, 4), 13
    # last, so the models before it keep their weights: L 5 -> 10 -> 12
    yield "convtranspose1d", nn.Sequential(
        nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1), nn.Tanh(),
        nn.ConvTranspose1d(3, 2, 2, dilation=2, bias=False),
        nn.Flatten(), nn.Linear(2 * 12, 4)), (2, 5), 13
    # SiLU (Mul(h, Sigmoid(h))) whose input h also feeds the residual Add
    yield "silu_residual", SiluResidual(), (6,), 13


def export_folded():
    """What the default export does to BatchNorm: folded into the conv before it (EVAL, folding on)."""
    torch.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(),
                          nn.Linear(2 * 4 * 4, 3)).eval()
    x = torch.randn(2, 1, 6, 6)
    path = os.path.join(HERE, "folded_batchnorm.onnx")
    torch.onnx.export(model, x, path, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
    print("folded_batchnorm (default export)", os.path.getsize(path), "bytes")


def export_fixed_batch():
    """The default export of a model with x.view(x.size(0), -1) and no dynamic axes: the reshape
    target is folded to the constant [4, -1] of the example batch."""
    torch.manual_seed(3)
    model = ConvView().eval()
    x = torch.randn(4, 1, 6, 6)
    path = os.path.join(HERE, "fixed_batch.onnx")
    torch.onnx.export(model, x, path, input_names=["x"], output_names=["logits"])
    with torch.no_grad():
        out = model.double()(x.double())
    np.save(os.path.join(HERE, "fixed_batch.x.npy"), x.numpy())
    np.save(os.path.join(HERE, "fixed_batch.out.npy"), out.numpy())
    np.save(os.path.join(HERE, "fixed_batch.y.npy"), np.zeros(4, dtype=np.int64))
    print("fixed_batch (default export, fixed batch 4)", os.path.getsize(path), "bytes")


class ConvView(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).view(x.size(0), -1))


class ConcatScale(nn.Module):
    """A branch scaled by a constant, concatenated along channels with another, and a scaled sum."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(2, 2, 1)
        self.conv3 = nn.Conv2d(5, 5, 3, padding=1)
        self.fc = nn.Linear(5 * 4 * 4, 3)

    def forward(self, x):
        a = torch.tanh(self.conv1(x))
        b = self.conv2(x) * 0.25
        c = torch.cat([a, b], 1)
        d = c + torch.relu(self.conv3(c))
        return self.fc(torch.flatten(d, 1))


def export_concat_scale():
    """Concat along channels, Mul by a constant and a residual Add: a graph, not a chain."""
    torch.manual_seed(4)
    model = ConcatScale().eval()
    g = torch.Generator().manual_seed(1)
    x = torch.randn((N, 2, 4, 4), generator=g)
    y = torch.randint(0, 3, (N,), generator=g)
    path = os.path.join(HERE, "concat_scale.onnx")
    torch.onnx.export(
        model, x, path, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
        opset_version=13, input_names=["x"], output_names=["logits"],
        dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
    with torch.no_grad():
        out = model.double()(x.double())
    np.save(os.path.join(HERE, "concat_scale.x.npy"), x.numpy())
    np.save(os.path.join(HERE, "concat_scale.y.npy"), y.numpy())
    np.save(os.path.join(HERE, "concat_scale.out.npy"), out.numpy())
    print("concat_scale opset 13", os.path.getsize(path), "bytes")


def export_one(name, model, x, y, opset):
    """Exports model with a dynamic batch axis and writes name.onnx, .x.npy, .y.npy and .out.npy
    (PyTorch's float64 outputs on x)."""
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(
        model, x, path, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
        opset_version=opset, input_names=["x"], output_names=["logits"],
        dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
    with torch.no_grad():
        out = model.double()(x.double())
    np.save(os.path.join(HERE, name + ".x.npy"), x.numpy())
    np.save(os.path.join(HERE, name + ".y.npy"), y.numpy())
    np.save(os.path.join(HERE, name + ".out.npy"), out.numpy())
    print(name, "opset", opset, os.path.getsize(path), "bytes")


def export_mish():
    """mish_mlp: nn.Mish, which PyTorch 1.13 writes as Mul(h, Tanh(Softplus(h))) at any opset it
    exports (ONNX's Mish node is opset 18); its own seeds, so the other models keep their weights."""
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(6, 8), nn.Mish(), nn.Linear(8, 5), nn.Mish(), nn.Linear(5, 3)).eval()
    g = torch.Generator().manual_seed(1)
    # spread over Mish's curve: its minimum near -1.2, the tails
    x = 2 * torch.randn((N, 6), generator=g)
    y = torch.randint(0, 3, (N,), generator=g)
    export_one("mish_mlp", model, x, y, 14)


def export_global_pool_1d():
    """global_pool1d: nn.AdaptiveAvgPool1d(1) after a Conv1d, which PyTorch 1.13 writes as
    GlobalAveragePool on [N, C, L]; its own seeds, so the other models keep their weights."""
    torch.manual_seed(7)
    model = nn.Sequential(nn.Conv1d(2, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool1d(1),
                          nn.Flatten(), nn.Linear(4, 3)).eval()
    g = torch.Generator().manual_seed(1)
    x = torch.randn((N, 2, 9), generator=g)
    y = torch.randint(0, 3, (N,), generator=g)
    export_one("global_pool1d", model, x, y, 13)


def main():
    export_folded()
    export_fixed_batch()
    export_concat_scale()
    export_mish()
    export_global_pool_1d()
    for name, model, shape, opset in models():
        model.eval()
        g = torch.Generator().manual_seed(1)
        x = torch.randn((N,) + shape, generator=g)
        classes = {"pad_conv_pool": 6, "batchnorm_chain": 4, "silu_logsigmoid_softplus": 3, "zeropad_conv": 4,
                   "pool1d": 4, "conv1d": 4, "convtranspose": 4, "convtranspose1d": 4, "silu_residual": 3}.get(
            name, 5 if name.startswith("layernorm") else 10)
        y = torch.randint(0, classes, (N,), generator=g)
        path = os.path.join(HERE, name + ".onnx")
        torch.onnx.export(
            model, x, path, training=torch.onnx.TrainingMode.PRESERVE,
            do_constant_folding=False, opset_version=opset, input_names=["x"],
            output_names=["logits"], dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
        with torch.no_grad():
            out = model.double()(x.double())
        np.save(os.path.join(HERE, name + ".x.npy"), x.numpy())
        np.save(os.path.join(HERE, name + ".y.npy"), y.numpy())
        np.save(os.path.join(HERE, name + ".out.npy"), out.numpy())
        print(name, "opset", opset, os.path.getsize(path), "bytes")
    export_embedding()


class EmbeddingMlp(nn.Module):
    """nn.Embedding(10, 4) on 5 indices per sample, flattened, then nn.Linear(20, 3): exported as
    Gather(emb.weight, x) with the int64 input x."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.fc = nn.Linear(5 * 4, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.emb(x), 1))


def export_embedding():
    """embedding_mlp: an int64 input of indices (M.x.npy int64), PyTorch's recipe."""
    name = "embedding_mlp"
    torch.manual_seed(4)
    model = EmbeddingMlp().eval()
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 10, (N, 5), generator=g)
    y = torch.randint(0, 3, (N,), generator=g)
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(
        model, x, path, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
        opset_version=13, input_names=["x"], output_names=["logits"],
        dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
    with torch.no_grad():
        out = model.double()(x)
    np.save(os.path.join(HERE, name + ".x.npy"), x.numpy())
    np.save(os.path.join(HERE, name + ".y.npy"), y.numpy())
    np.save(os.path.join(HERE, name + ".out.npy"), out.numpy())
    print(name, "opset 13", os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
