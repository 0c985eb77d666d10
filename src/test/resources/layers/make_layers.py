#!/usr/bin/python3
"""Writes the PyTorch float64 forward fixtures of vivit4j's conv1d, convtranspose2d, embedding and
convtranspose1d.

Run with Debian's PyTorch: /usr/bin/python3 src/test/resources/layers/make_layers.py
For every case C it writes C.json, a problem file whose first layer is the PyTorch module written
with PyTorch's keys and its (float64) weights, followed by a flatten, with the batch X; and
C.out.npy, the module's float64 output on X, [N] + output shape, computed by PyTorch (and for
embedding_padding also the weight's gradient, C.grad.npy). Seeds are fixed; the files are
deterministic for one PyTorch version.
"""
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
N = 2


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def conv1d_layer(m):
    return {
        "type": "conv1d", "in_channels": m.in_channels, "out_channels": m.out_channels,
        "kernel_size": m.kernel_size[0], "stride": m.stride[0],
        "padding": m.padding if isinstance(m.padding, str) else m.padding[0],
        "dilation": m.dilation[0], "groups": m.groups, "padding_mode": m.padding_mode,
    }


def convtranspose2d_layer(m):
    return {
        "type": "convtranspose2d", "in_channels": m.in_channels,
        "out_channels": m.out_channels, "kernel_size": list(m.kernel_size),
        "stride": list(m.stride), "padding": list(m.padding),
        "output_padding": list(m.output_padding), "dilation": list(m.dilation),
        "groups": m.groups, "padding_mode": m.padding_mode,
    }


def convtranspose1d_layer(m):
    return {
        "type": "convtranspose1d", "in_channels": m.in_channels,
        "out_channels": m.out_channels, "kernel_size": m.kernel_size[0],
        "stride": m.stride[0], "padding": m.padding[0],
        "output_padding": m.output_padding[0], "dilation": m.dilation[0],
        "groups": m.groups, "padding_mode": m.padding_mode,
    }


def embedding_layer(m):
    return {"type": "embedding", "num_embeddings": m.num_embeddings,
            "embedding_dim": m.embedding_dim}


def write(name, module, layer, x, x_for_json):
    module = module.double().eval()
    with torch.no_grad():
        out = module(x)
    layer["weight"] = module.weight.detach().numpy().tolist()
    if getattr(module, "bias", None) is not None:
        layer["bias"] = module.bias.detach().numpy().tolist()
    c = int(np.prod(out.shape[1:]))
    problem = {
        "schema_version": 1,
        "name": name,
        "description": "PyTorch float64 forward fixture written by make_layers.py",
        "N": N,
        "input_shape": list(x.shape[1:]),
        "loss": {"type": "mse", "reduction": "sum"},
        "model": [layer, {"type": "flatten"}],
        "X": x_for_json,
        "y": np.zeros((N, c)).tolist(),
        "param_groups": [{"params": list(range(1 + (layer.get("bias") is not None))),
                          "criterion": {"type": "top_k", "k": 1}}],
    }
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(problem, f)
        f.write("\n")
    np.save(os.path.join(HERE, name + ".out.npy"), out.numpy().astype(np.float64))


def main():
    torch.manual_seed(0)
    m = nn.Conv1d(3, 4, kernel_size=3, stride=2, padding=2, dilation=2)
    x = torch.randn(N, 3, 11, dtype=torch.float64)
    write("conv1d_strided", m, conv1d_layer(m), x, x.numpy().tolist())

    m = nn.Conv1d(2, 3, kernel_size=4, padding="same", dilation=2, bias=False)
    x = torch.randn(N, 2, 7, dtype=torch.float64)
    write("conv1d_same", m, conv1d_layer(m), x, x.numpy().tolist())

    m = nn.ConvTranspose2d(3, 2, kernel_size=(3, 2), stride=(2, 3), padding=(1, 0),
                           output_padding=(1, 2), dilation=(1, 2))
    x = torch.randn(N, 3, 4, 5, dtype=torch.float64)
    write("convtranspose2d_strided", m, convtranspose2d_layer(m), x, x.numpy().tolist())

    m = nn.ConvTranspose2d(2, 3, kernel_size=3, padding=1, bias=False)
    x = torch.randn(N, 2, 3, 4, dtype=torch.float64)
    write("convtranspose2d_plain", m, convtranspose2d_layer(m), x, x.numpy().tolist())

    m = nn.Embedding(7, 3)
    idx = torch.tensor([[0, 6, 3, 3, 1], [2, 5, 4, 0, 6]])
    write("embedding", m, embedding_layer(m), idx, idx.double().numpy().tolist())

    write_padding()
    write_convtranspose1d()
    write_adaptive_avg_pool()


def write_convtranspose1d():
    """convtranspose1d_strided (stride, padding, output padding and dilation) and
    convtranspose1d_plain (PyTorch's defaults but the padding, no bias); own seed, written last,
    so the earlier fixtures do not change."""
    torch.manual_seed(2)
    m = nn.ConvTranspose1d(3, 2, kernel_size=3, stride=3, padding=1, output_padding=2,
                           dilation=2)
    x = torch.randn(N, 3, 5, dtype=torch.float64)
    write("convtranspose1d_strided", m, convtranspose1d_layer(m), x, x.numpy().tolist())

    m = nn.ConvTranspose1d(2, 3, kernel_size=4, padding=1, bias=False)
    x = torch.randn(N, 2, 6, dtype=torch.float64)
    write("convtranspose1d_plain", m, convtranspose1d_layer(m), x, x.numpy().tolist())


def write_padding():
    """embedding_padding: nn.Embedding(6, 3, padding_idx=-2) (PyTorch normalises it to 4), with a
    non-zero padding row (PyTorch initialises it to zeros; the forward reads it as stored), on
    indices that hit it; besides C.json and C.out.npy, C.grad.npy: the gradient of the problem's
    loss (MSELoss with sum reduction against the file's y) w.r.t. the weight, [6, 3], whose padding
    row PyTorch leaves zero."""
    name = "embedding_padding"
    torch.manual_seed(1)
    m = nn.Embedding(6, 3, padding_idx=-2).double()
    with torch.no_grad():
        m.weight[4] = torch.tensor([0.75, -1.25, 0.5], dtype=torch.float64)
    idx = torch.tensor([[4, 0, 5, 4], [1, 4, 2, 3], [4, 4, 0, 5]])
    n = idx.shape[0]
    out = m(idx)
    y = torch.randn(n, int(np.prod(out.shape[1:])), dtype=torch.float64)
    loss = nn.MSELoss(reduction="sum")(out.flatten(1), y)
    loss.backward()
    layer = embedding_layer(m)
    layer["padding_idx"] = -2
    layer["weight"] = m.weight.detach().numpy().tolist()
    problem = {
        "schema_version": 1,
        "name": name,
        "description": "PyTorch float64 forward and gradient fixture written by make_layers.py",
        "N": n,
        "input_shape": list(idx.shape[1:]),
        "loss": {"type": "mse", "reduction": "sum"},
        "model": [layer, {"type": "flatten"}],
        "X": idx.double().numpy().tolist(),
        "y": y.numpy().tolist(),
        "param_groups": [{"params": [0], "criterion": {"type": "top_k", "k": 3}}],
    }
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(problem, f)
        f.write("\n")
    np.save(os.path.join(HERE, name + ".out.npy"), out.detach().numpy().astype(np.float64))
    np.save(os.path.join(HERE, name + ".grad.npy"), m.weight.grad.numpy().astype(np.float64))


def write_adaptive_avg_pool():
    """adaptiveavgpool2d_C.x.npy and .out.npy: nn.AdaptiveAvgPool2d's input [N, C, H, W] and output
    for output sizes that divide the input (the fast path's case, None keeping an axis) and that do
    not (unequal, overlapping windows: the reference's general form). Own seed, written last."""
    torch.manual_seed(3)
    for name, size, shape in [("divisible", (2, None), (3, 4, 9)),
                              ("global", 1, (2, 5, 3)),
                              ("uneven", (3, 4), (2, 5, 7))]:
        x = torch.randn((N,) + shape, dtype=torch.float64)
        out = nn.AdaptiveAvgPool2d(size)(x)
        np.save(os.path.join(HERE, "adaptiveavgpool2d_" + name + ".x.npy"), x.numpy())
        np.save(os.path.join(HERE, "adaptiveavgpool2d_" + name + ".out.npy"), out.numpy())
    write_adaptive_avg_pool_1d()


def write_adaptive_avg_pool_1d():
    """adaptiveavgpool1d_C.x.npy and .out.npy: nn.AdaptiveAvgPool1d on [N, C, L], a dividing
    (12 -> 4) and an uneven (7 -> 3) output size. Own seed, written last."""
    torch.manual_seed(4)
    for name, size, shape in [("divisible", 4, (3, 12)), ("uneven", 3, (2, 7))]:
        x = torch.randn((N,) + shape, dtype=torch.float64)
        out = nn.AdaptiveAvgPool1d(size)(x)
        np.save(os.path.join(HERE, "adaptiveavgpool1d_" + name + ".x.npy"), x.numpy())
        np.save(os.path.join(HERE, "adaptiveavgpool1d_" + name + ".out.npy"), out.numpy())


if __name__ == "__main__":
    main()
