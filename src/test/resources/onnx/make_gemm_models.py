#!/usr/bin/python3
"""Writes gemm_alpha.onnx, a hand-made ONNX graph of Gemm nodes with alpha and beta, with inputs
and outputs (no exporter writes these attributes; PyTorch's nn.Linear always has alpha = beta = 1).

Also tied_gemm.onnx: one initializer used as the weight of two Gemm nodes (tied weights), which
the import refuses.

Run with Debian's onnx and numpy: /usr/bin/python3 src/test/resources/onnx/make_gemm_models.py
The graph (opset 13, dynamic batch N, float32 initializers):
    h1 = Gemm(x, g1.weight, alpha=0.5)                        x [N, 5], g1.weight [5, 4] (transB 0)
    h2 = Gemm(Relu(h1), g2.weight, g2.bias, alpha=beta=1.5, transB=1)   g2.weight [3, 4]
    logits = Gemm(Tanh(h2), g3.weight, transB=1)              g3.weight [2, 3], alpha 1
It writes gemm_alpha.x.npy (float32), gemm_alpha.y.npy (int64 labels) and gemm_alpha.out.npy, the
graph's output computed by numpy in float64 from the float32 values (the exact value of
alpha·A·op(B) + beta·C). Seeded: deterministic for one numpy version.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
N = 4


def main():
    rnd = np.random.default_rng(12)
    w1 = rnd.uniform(-1, 1, (5, 4)).astype(np.float32)
    w2 = rnd.uniform(-1, 1, (3, 4)).astype(np.float32)
    b2 = rnd.uniform(-1, 1, (3,)).astype(np.float32)
    w3 = rnd.uniform(-1, 1, (2, 3)).astype(np.float32)
    x = rnd.standard_normal((N, 5)).astype(np.float32)
    y = rnd.integers(0, 2, (N,)).astype(np.int64)
    nodes = [
        helper.make_node("Gemm", ["x", "g1.weight"], ["h1"], name="g1", alpha=0.5),
        helper.make_node("Relu", ["h1"], ["r1"], name="relu"),
        helper.make_node("Gemm", ["r1", "g2.weight", "g2.bias"], ["h2"], name="g2",
                         alpha=1.5, beta=1.5, transB=1),
        helper.make_node("Tanh", ["h2"], ["t2"], name="tanh"),
        helper.make_node("Gemm", ["t2", "g3.weight"], ["logits"], name="g3", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "gemm_alpha",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 5])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 2])],
        [numpy_helper.from_array(w1, "g1.weight"), numpy_helper.from_array(w2, "g2.weight"),
         numpy_helper.from_array(b2, "g2.bias"), numpy_helper.from_array(w3, "g3.weight")])
    model = helper.make_model(graph, producer_name="make_gemm_models.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "gemm_alpha.onnx"))
    xd = x.astype(np.float64)
    h1 = 0.5 * (xd @ w1.astype(np.float64))
    h2 = 1.5 * (np.maximum(h1, 0) @ w2.astype(np.float64).T) + 1.5 * b2.astype(np.float64)
    out = np.tanh(h2) @ w3.astype(np.float64).T
    np.save(os.path.join(HERE, "gemm_alpha.x.npy"), x)
    np.save(os.path.join(HERE, "gemm_alpha.y.npy"), y)
    np.save(os.path.join(HERE, "gemm_alpha.out.npy"), out)
    print("gemm_alpha", os.path.getsize(os.path.join(HERE, "gemm_alpha.onnx")), "bytes")
    tied()


def tied():
    """logits = Gemm(Relu(Gemm(x, w, transB=1)), w, transB=1), w [4, 4] one initializer."""
    w = (np.arange(16, dtype=np.float32).reshape(4, 4) - 8) / 16
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"], name="first", transB=1),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("Gemm", ["r", "w"], ["logits"], name="second", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "tied_gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 4])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, producer_name="make_gemm_models.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "tied_gemm.onnx"))
    print("tied_gemm", os.path.getsize(os.path.join(HERE, "tied_gemm.onnx")), "bytes")


if __name__ == "__main__":
    main()
