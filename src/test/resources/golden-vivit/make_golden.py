#!/usr/bin/env python3
"""Golden cases for vivit4j's newer layers and residual graphs, from the REAL ViViT.

Every case is computed by ViViT's ``DirectionalDerivativesComputation`` (gram eigenvalues captured
inside its criterion, eigenvectors from ``EighComputation``) on BackPACK's ``SqrtGGNExact``, in
float64, and recomputed with plain ``torch.autograd`` (per-sample Jacobians and loss Hessians, the
GGN factor built from the golden README's Ŝ formula); the discrepancies go into each case's
``check`` field and a case is written only when they are below 1e-8. The JSON files follow the
schema of shared/golden/README.md with the model written in vivit4j's problem schema
(docs/SCHEMA.md: PyTorch's layer names and defaults; residual networks as a ``graph``). The
vivit4j tests read only the JSON files; nothing here is a dependency of the project.

Versions (as in shared/golden/README.md): vivit github.com/f-dangel/vivit main bf99efd (package
identical to 1.0.0), BackPACK 1.5.2 (ed362e4) with einops 0.8.2, PyTorch 1.13.1 (Debian
1.13.1+dfsg-4, reports 1.13.0a0), Python 3.11.

Run (from the repository root; the reference install is outside the project: VIVIT_REF_DIR is the
folder the reference's ``setup.sh`` installed into, whose ``env.sh`` sets PYTHONPATH):

    . "$VIVIT_REF_DIR/env.sh"
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 src/test/resources/golden-vivit/make_golden.py [names]

Layers without a BackPACK 1.5.2 ``SqrtGGNExact`` extension have no case: AdaptiveAvgPool2d (only
the DiagGGN extensions map it), GELU, SiLU, Softplus, Mish, LayerNorm. ConvTranspose1d/2d with
``output_padding`` > 0 and BatchNorm with ``affine=False`` ("Only implemented for affine=True")
have no case either: BackPACK 1.5.2's weight Jacobian
(``unfold_by_conv_transpose``, used by ViViT's BatchGrad) raises a shape error for output_padding.
Conv1d/Conv2d with ``padding="same"`` run but BackPACK 1.5.2's ``sqrt_ggn_exact`` is wrong for them
(the conv weight's GGN block 70-100% off autograd on a k3 kernel, while ``padding=1``, the same
function, agrees to 1e-16; with dilation it raises), so the Conv1d case uses ``padding=1``; the
autograd check below is what caught it.
"""

import hashlib
import json
import math
import operator
import os
import sys
import warnings
from copy import deepcopy

import torch
from torch import nn

import backpack
import vivit
from backpack import backpack as backpack_ctx
from backpack import extend
from backpack.custom_module.scale_module import ScaleModule
from backpack.extensions import SqrtGGNExact
from vivit import DirectionalDerivativesComputation, EighComputation

warnings.filterwarnings("ignore", message=".*symeig is deprecated.*")
torch.set_default_dtype(torch.float64)
OUT = os.path.dirname(os.path.abspath(__file__))


def vivit_path():
    """The vivit package's folder as ``$VIVIT_REF_DIR/...`` (or just ``vivit`` without it)."""
    here = os.path.dirname(vivit.__file__)
    ref = os.environ.get("VIVIT_REF_DIR")
    if ref and os.path.abspath(here).startswith(os.path.abspath(ref) + os.sep):
        return "$VIVIT_REF_DIR/" + os.path.relpath(here, ref)
    return "vivit"
PASS_TOL = 1e-8


def lst(t):
    return None if t is None else t.detach().tolist()


def stored(v):
    """A module attribute as PyTorch stores it: a tuple as a list, an int as it is."""
    return list(v) if isinstance(v, (tuple, list)) else v


# ---------------------------------------------------------------- torch module -> schema layer
def layer_spec(m):
    """The vivit4j problem-file layer (docs/SCHEMA.md) of a PyTorch module, PyTorch's keys.

    Every constructor argument PyTorch keeps is written (``padding_mode``, ``ceil_mode``,
    ``count_include_pad``, the embedding's ``max_norm``, ...), as a full dump of the module would,
    except ``inplace``, which the schema does not take.
    """
    if isinstance(m, nn.Linear):
        return {"type": "linear", "in": m.in_features, "out": m.out_features,
                "weight": lst(m.weight), "bias": lst(m.bias)}
    conv = {nn.Conv1d: "conv1d", nn.Conv2d: "conv2d",
            nn.ConvTranspose1d: "convtranspose1d", nn.ConvTranspose2d: "convtranspose2d"}
    if type(m) in conv:
        s = {"type": conv[type(m)], "in_channels": m.in_channels,
             "out_channels": m.out_channels, "kernel_size": stored(m.kernel_size),
             "stride": stored(m.stride), "padding": stored(m.padding), "dilation": stored(m.dilation),
             "groups": m.groups}
        if "transpose" in s["type"]:
            s["output_padding"] = stored(m.output_padding)
        s["padding_mode"] = m.padding_mode
        s["weight"] = lst(m.weight)
        s["bias"] = lst(m.bias)
        return s
    if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        s = {"type": "batchnorm1d" if isinstance(m, nn.BatchNorm1d) else "batchnorm2d",
             "num_features": m.num_features, "eps": m.eps, "momentum": m.momentum,
             "affine": m.affine, "track_running_stats": m.track_running_stats}
        if m.affine:
            s.update({"weight": lst(m.weight), "bias": lst(m.bias)})
        s.update({"running_mean": lst(m.running_mean), "running_var": lst(m.running_var),
                  "num_batches_tracked": int(m.num_batches_tracked)})
        return s
    if isinstance(m, nn.MaxPool2d):
        return {"type": "maxpool2d", "kernel_size": stored(m.kernel_size),
                "stride": stored(m.stride), "padding": stored(m.padding),
                "dilation": stored(m.dilation), "ceil_mode": m.ceil_mode,
                "return_indices": m.return_indices}
    if isinstance(m, nn.MaxPool1d):
        return {"type": "maxpool1d", "kernel_size": m.kernel_size, "stride": m.stride,
                "padding": m.padding, "dilation": m.dilation, "ceil_mode": m.ceil_mode,
                "return_indices": m.return_indices}
    if isinstance(m, nn.AvgPool1d):
        return {"type": "avgpool1d", "kernel_size": stored(m.kernel_size),
                "stride": stored(m.stride), "padding": stored(m.padding),
                "ceil_mode": m.ceil_mode, "count_include_pad": m.count_include_pad}
    if isinstance(m, nn.AvgPool2d):
        return {"type": "avgpool2d", "kernel_size": stored(m.kernel_size),
                "stride": stored(m.stride), "padding": stored(m.padding),
                "ceil_mode": m.ceil_mode, "count_include_pad": m.count_include_pad,
                "divisor_override": m.divisor_override}
    if isinstance(m, nn.ZeroPad2d):
        return {"type": "zeropad2d", "padding": list(m.padding)}
    if isinstance(m, nn.Embedding):
        return {"type": "embedding", "num_embeddings": m.num_embeddings,
                "embedding_dim": m.embedding_dim, "padding_idx": m.padding_idx,
                "max_norm": m.max_norm, "norm_type": m.norm_type,
                "scale_grad_by_freq": m.scale_grad_by_freq, "sparse": m.sparse,
                "weight": lst(m.weight)}
    if isinstance(m, ScaleModule):
        return {"type": "scale", "scale": m.weight}
    if isinstance(m, nn.Identity):
        return {"type": "identity"}
    if isinstance(m, nn.Dropout):
        return {"type": "dropout", "p": m.p}
    if isinstance(m, nn.Flatten):
        return {"type": "flatten", "start_dim": m.start_dim, "end_dim": m.end_dim}
    if isinstance(m, nn.ELU):
        return {"type": "elu", "alpha": m.alpha}
    if isinstance(m, nn.LeakyReLU):
        return {"type": "leaky_relu", "negative_slope": m.negative_slope}
    simple = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.SELU: "selu",
              nn.LogSigmoid: "logsigmoid"}
    if type(m) in simple:
        return {"type": simple[type(m)]}
    raise ValueError(f"no schema layer for {m}")


class GraphNet(nn.Module):
    """Nodes (name, module | 'add' | ('scale', s), input names), evaluated in order.

    ``a + b`` and ``a * s`` are what BackPACK's converter turns into SumModule and ScaleModule
    (it does not handle ``torch.add(a, b, alpha=s)``).
    """

    def __init__(self, nodes):
        super().__init__()
        self.nodes = [(name, inputs) for name, _, inputs in nodes]
        self.kinds = {}
        for name, module, _ in nodes:
            if isinstance(module, nn.Module):
                self.add_module(name, module)
            else:
                self.kinds[name] = module

    def forward(self, x):
        values = {"x": x}
        for name, inputs in self.nodes:
            kind = self.kinds.get(name)
            if kind == "add":
                values[name] = operator.add(*[values[i] for i in inputs])
            elif kind is not None:
                values[name] = values[inputs[0]] * kind[1]
            else:
                values[name] = getattr(self, name)(values[inputs[0]])
        return values[self.nodes[-1][0]]


def graph_spec(nodes):
    out = []
    for name, module, inputs in nodes:
        if module == "add":
            spec = {"type": "add"}
        elif isinstance(module, tuple):
            spec = {"type": "scale", "scale": module[1]}
        else:
            spec = layer_spec(module)
        out.append({"name": name, **{"type": spec.pop("type")}, "inputs": list(inputs), **spec})
    return {"inputs": ["x"], "nodes": out, "output": nodes[-1][0]}


# ---------------------------------------------------------------- the cases
def bn(m, seed_scale=1.0, eps=None):
    """Non-trivial running statistics and affine parameters for an eval-mode batch norm."""
    c = m.num_features
    with torch.no_grad():
        m.running_mean.copy_(0.5 * torch.randn(c))
        m.running_var.copy_(0.5 + torch.rand(c))
        if m.affine:
            m.weight.copy_(1 + 0.3 * torch.randn(c))
            m.bias.copy_(0.2 * torch.randn(c))
    if eps is not None:
        m.eps = eps
    return m.eval()


def top_k(k):
    return {"type": "top_k", "k": k}


def thr(t):
    return {"type": "threshold", "threshold": t}


def cases():
    """name -> (description, builder). A builder returns a dict describing the case."""
    C = {}

    def case(fn):
        C[fn.__name__] = fn
        return fn

    @case
    def conv2d_batchnorm2d_eval_relu_ce_mean_top4():
        layers = [nn.Conv2d(2, 3, 3, padding=1), bn(nn.BatchNorm2d(3)), nn.ReLU(), nn.Flatten(),
                  nn.Linear(48, 3)]
        return dict(desc="Conv2d-BatchNorm2d(eval, running stats, affine)-ReLU-Flatten-Linear",
                    layers=layers, N=5, input_shape=[2, 4, 4], loss=("cross_entropy", "mean"),
                    groups=[(None, top_k(4))])

    @case
    def mlp_batchnorm1d_eval_tanh_mse_sum_two_groups():
        layers = [nn.Linear(5, 4), bn(nn.BatchNorm1d(4), eps=1e-3), nn.Tanh(), nn.Linear(4, 3)]
        return dict(desc="Linear-BatchNorm1d(eval, eps 1e-3)-Tanh-Linear, MSE sum; group "
                    "{W0, b0, bn.weight} top-3 and {bn.bias, W1, b1} threshold",
                    layers=layers, N=4, input_shape=[5], loss=("mse", "sum"),
                    groups=[([0, 1, 2], top_k(3)), ([3, 4, 5], thr(1e-6))])

    @case
    def conv1d_batchnorm1d_relu_maxpool1d_ce_sum_top5():
        layers = [nn.Conv1d(2, 3, 3, padding=1), bn(nn.BatchNorm1d(3)), nn.ReLU(),
                  nn.MaxPool1d(2), nn.Flatten(), nn.Linear(12, 4)]
        return dict(desc="Conv1d(p1)-BatchNorm1d on [C, L] (eval)-ReLU-MaxPool1d(2)-Flatten-"
                    "Linear, CE sum", layers=layers, N=5, input_shape=[2, 8],
                    loss=("cross_entropy", "sum"), groups=[(None, top_k(5))])

    @case
    def conv1d_dilated_elu_avgpool1d_padded_mse_mean_subsampling():
        layers = [nn.Conv1d(1, 2, 3, stride=2, padding=2, dilation=2), nn.ELU(alpha=0.7),
                  nn.AvgPool1d(3, stride=2, padding=1), nn.Flatten(), nn.Linear(6, 3)]
        return dict(desc="Conv1d(k3, s2, p2, d2)-ELU(0.7)-AvgPool1d(k3, s2, p1)-Flatten-Linear, "
                    "MSE mean, subsampling", layers=layers, N=6, input_shape=[1, 9],
                    loss=("mse", "mean"), groups=[(None, top_k(4))],
                    subsampling_grad=[5, 0, 3], subsampling_ggn=[1, 2, 4, 5])

    @case
    def convtranspose2d_stride_padding_leaky_relu_ce_mean_top4():
        layers = [nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1),
                  nn.LeakyReLU(0.1), nn.Flatten(), nn.Linear(50, 3)]
        return dict(desc="ConvTranspose2d(k3, s2, p1): 3x3 -> 5x5, "
                    "LeakyReLU(0.1)-Flatten-Linear, CE mean", layers=layers, N=4,
                    input_shape=[2, 3, 3], loss=("cross_entropy", "mean"),
                    groups=[(None, top_k(4))])

    @case
    def convtranspose2d_nonsquare_selu_mse_sum_per_layer_groups():
        layers = [nn.ConvTranspose2d(1, 2, (2, 3), stride=(2, 1), padding=(0, 1)), nn.SELU(),
                  nn.Flatten(), nn.Linear(36, 2)]
        return dict(desc="ConvTranspose2d(k(2,3), s(2,1), p(0,1)): 3x3 -> 6x3, SELU-Flatten-Linear, MSE sum; "
                    "groups {conv bias, linear} top-3, then {conv weight} threshold",
                    layers=layers, N=3, input_shape=[1, 3, 3], loss=("mse", "sum"),
                    groups=[([1, 2, 3], top_k(3)), ([0], thr(1e-4))])

    @case
    def convtranspose1d_stride_padding_selu_mse_mean_threshold():
        layers = [nn.ConvTranspose1d(2, 3, 4, stride=2, padding=1), nn.SELU(),
                  nn.Flatten(), nn.Linear(30, 3)]
        return dict(desc="ConvTranspose1d(k4, s2, p1): L 5 -> 10, "
                    "SELU-Flatten-Linear, MSE mean", layers=layers, N=4, input_shape=[2, 5],
                    loss=("mse", "mean"), groups=[(None, thr(1e-3))])

    @case
    def zeropad2d_conv2d_logsigmoid_avgpool2d_padded_ce_mean_top3():
        layers = [nn.ZeroPad2d((1, 0, 2, 1)), nn.Conv2d(1, 2, (2, 3)), nn.LogSigmoid(),
                  nn.AvgPool2d(3, stride=2, padding=1), nn.Flatten(), nn.Linear(12, 3)]
        return dict(desc="ZeroPad2d((l1, r0, t2, b1))-Conv2d(k(2,3))-LogSigmoid-AvgPool2d(k3, "
                    "s2, p1)-Flatten-Linear, CE mean", layers=layers, N=4,
                    input_shape=[1, 4, 5], loss=("cross_entropy", "mean"),
                    groups=[(None, top_k(3))])

    @case
    def embedding_tanh_linear_ce_mean_two_groups():
        layers = [nn.Embedding(6, 3), nn.Tanh(), nn.Flatten(), nn.Linear(9, 4)]
        return dict(desc="Embedding(6, 3) on 3 indices per sample-Tanh-Flatten-Linear, CE mean; "
                    "groups {embedding} top-3 and {linear} top-4", layers=layers, N=5,
                    input_shape=[3], loss=("cross_entropy", "mean"),
                    groups=[([0], top_k(3)), ([1, 2], top_k(4))], integer_input=6)

    @case
    def mlp_elu_leaky_relu_selu_logsigmoid_ce_sum_top4():
        layers = [nn.Linear(5, 6), nn.ELU(), nn.Linear(6, 5), nn.LeakyReLU(),
                  nn.Linear(5, 5), nn.SELU(), nn.Linear(5, 4), nn.LogSigmoid(),
                  nn.Linear(4, 3)]
        return dict(desc="MLP with ELU, LeakyReLU (default 0.01), SELU, LogSigmoid, CE sum",
                    layers=layers, N=5, input_shape=[5], loss=("cross_entropy", "sum"),
                    groups=[(None, top_k(4))])

    @case
    def resnet_identity_shortcut_conv_relu_ce_mean_top4():
        nodes = [("conv1", nn.Conv2d(2, 2, 3, padding=1), ["x"]),
                 ("relu1", nn.ReLU(), ["conv1"]),
                 ("conv2", nn.Conv2d(2, 2, 3, padding=1), ["relu1"]),
                 ("add", "add", ["conv2", "x"]),
                 ("relu2", nn.ReLU(), ["add"]),
                 ("flatten", nn.Flatten(), ["relu2"]),
                 ("fc", nn.Linear(32, 3), ["flatten"])]
        return dict(desc="residual block relu(x + conv2(relu(conv1(x)))) with an identity "
                    "shortcut, then Flatten-Linear; BackPACK's converter (SumModule)",
                    nodes=nodes, N=4, input_shape=[2, 4, 4], loss=("cross_entropy", "mean"),
                    groups=[(None, top_k(4))])

    @case
    def resnet_conv1x1_shortcut_batchnorm_mse_mean_groups():
        nodes = [("stem", nn.Conv2d(1, 2, 3, padding=1), ["x"]),
                 ("stem_relu", nn.ReLU(), ["stem"]),
                 ("conv1", nn.Conv2d(2, 3, 3, padding=1), ["stem_relu"]),
                 ("bn1", bn(nn.BatchNorm2d(3)), ["conv1"]),
                 ("relu1", nn.ReLU(), ["bn1"]),
                 ("conv2", nn.Conv2d(3, 3, 3, padding=1), ["relu1"]),
                 ("shortcut", nn.Conv2d(2, 3, 1), ["stem_relu"]),
                 ("add", "add", ["conv2", "shortcut"]),
                 ("relu2", nn.ReLU(), ["add"]),
                 ("pool", nn.AvgPool2d(2), ["relu2"]),
                 ("flatten", nn.Flatten(), ["pool"]),
                 ("fc", nn.Linear(12, 3), ["flatten"])]
        return dict(desc="stem conv-relu, then a residual block (conv-BatchNorm2d(eval)-relu-conv"
                    ") + 1x1-conv shortcut, relu, AvgPool2d(2), Flatten-Linear, MSE mean; groups: "
                    "block convs, stem+shortcut, bn1+fc", nodes=nodes, N=3, input_shape=[1, 4, 4],
                    loss=("mse", "mean"),
                    groups=[(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"],
                             top_k(4)),
                            (["stem.weight", "stem.bias", "shortcut.weight", "shortcut.bias"],
                             top_k(3)),
                            (["bn1.weight", "bn1.bias", "fc.weight", "fc.bias"], thr(1e-5))])

    @case
    def residual_mlp_tanh_elu_ce_sum_subsampling():
        nodes = [("fc1", nn.Linear(4, 5), ["x"]),
                 ("act1", nn.Tanh(), ["fc1"]),
                 ("fc2", nn.Linear(5, 5), ["act1"]),
                 ("act2", nn.ELU(), ["fc2"]),
                 ("add", "add", ["act1", "act2"]),
                 ("fc3", nn.Linear(5, 3), ["add"])]
        return dict(desc="residual MLP fc3(a + elu(fc2(a))), a = tanh(fc1(x)), CE sum, "
                    "subsampling", nodes=nodes, N=6, input_shape=[4],
                    loss=("cross_entropy", "sum"), groups=[(None, top_k(5))],
                    subsampling_grad=[0, 2, 3, 5], subsampling_ggn=[4, 1, 3])

    @case
    def resnet_downsampling_block_no_bias_maxpool_ce_sum_top4():
        nodes = [("conv1", nn.Conv2d(2, 3, 3, stride=2, padding=1, bias=False), ["x"]),
                 ("bn1", bn(nn.BatchNorm2d(3)), ["conv1"]),
                 ("relu1", nn.ReLU(), ["bn1"]),
                 ("conv2", nn.Conv2d(3, 3, 3, padding=1, bias=False), ["relu1"]),
                 ("bn2", bn(nn.BatchNorm2d(3)), ["conv2"]),
                 ("downsample", nn.Conv2d(2, 3, 1, stride=2, bias=False), ["x"]),
                 ("add", "add", ["bn2", "downsample"]),
                 ("relu2", nn.ReLU(), ["add"]),
                 ("pool", nn.MaxPool2d(2), ["relu2"]),
                 ("flatten", nn.Flatten(), ["pool"]),
                 ("fc", nn.Linear(12, 3), ["flatten"])]
        return dict(desc="ResNet downsampling block: conv(s2, no bias)-BatchNorm2d-relu-conv(no "
                    "bias)-BatchNorm2d + 1x1 conv(s2, no bias) shortcut, relu, "
                    "MaxPool2d(2), Flatten-Linear, CE sum", nodes=nodes, N=4,
                    input_shape=[2, 8, 8], loss=("cross_entropy", "sum"),
                    groups=[(None, top_k(4))])

    @case
    def residual_mlp_identity_scale_dropout_mse_sum_one_output():
        nodes = [("fc1", nn.Linear(3, 4), ["x"]),
                 ("act", nn.Tanh(), ["fc1"]),
                 ("skip", nn.Identity(), ["act"]),
                 ("fc2", nn.Linear(4, 4), ["act"]),
                 ("half", ("scale", 0.5), ["fc2"]),
                 ("add", "add", ["skip", "half"]),
                 ("drop", nn.Dropout(0.3), ["add"]),
                 ("fc3", nn.Linear(4, 1), ["drop"])]
        return dict(desc="fc3(dropout(identity(a) + 0.5·fc2(a))), a = tanh(fc1(x)): Identity, "
                    "x * 0.5 (ScaleModule), Dropout in eval mode; MSE sum with C = 1",
                    nodes=nodes, N=5, input_shape=[3], loss=("mse", "sum"),
                    groups=[(None, thr(1e-6))])

    @case
    def conv1d_maxpool1d_dilated_single_sample_ce_mean_threshold():
        # padding 1, not "same": BackPACK 1.5.2's Conv1d sqrt_ggn is wrong for the string form
        layers = [nn.Conv1d(2, 3, 3, padding=1), nn.Tanh(),
                  nn.MaxPool1d(3, stride=2, padding=1, dilation=2), nn.Flatten(),
                  nn.Linear(12, 4)]
        return dict(desc="Conv1d(k3, p1)-Tanh-MaxPool1d(k3, s2, p1, d2)-Flatten-"
                    "Linear, N = 1, CE mean", layers=layers, N=1, input_shape=[2, 9],
                    loss=("cross_entropy", "mean"), groups=[(None, thr(1e-8))])

    @case
    def conv2d_nonsquare_maxpool2d_nonsquare_elu_two_class_ce_mean_top3():
        layers = [nn.Conv2d(1, 2, (3, 2), stride=(1, 2), padding=(1, 0)), nn.ELU(),
                  nn.MaxPool2d((2, 3), stride=(2, 1), padding=(1, 1)), nn.Flatten(),
                  nn.Linear(18, 2)]
        return dict(desc="Conv2d(k(3,2), s(1,2), p(1,0))-ELU-MaxPool2d(k(2,3), s(2,1), p(1,1))-"
                    "Flatten-Linear, two-class CE mean (canonical-sign ties)", layers=layers,
                    N=4, input_shape=[1, 5, 6], loss=("cross_entropy", "mean"),
                    groups=[(None, top_k(3))])

    @case
    def avgpool2d_nonsquare_padded_sigmoid_mse_sum_nonadjacent_groups():
        layers = [nn.Conv2d(2, 2, 2), nn.Sigmoid(), nn.AvgPool2d((3, 2), stride=(2, 2),
                                                                 padding=(1, 0)),
                  nn.Flatten(), nn.Linear(12, 3)]
        return dict(desc="Conv2d(k2)-Sigmoid-AvgPool2d(k(3,2), s2, p(1,0))-Flatten-Linear, MSE "
                    "sum; groups {conv bias, linear weight} top-2, {conv weight, linear bias} "
                    "top-4 (non-adjacent layers)", layers=layers, N=4,
                    input_shape=[2, 6, 5], loss=("mse", "sum"),
                    groups=[([1, 2], top_k(2)), ([0, 3], top_k(4))])

    @case
    def conv2d_dilated_convtranspose2d_dilated_batchnorm2d_mse_mean_subsampling():
        layers = [nn.Conv2d(1, 2, (2, 3), stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
                  nn.Tanh(), nn.ConvTranspose2d(2, 2, 2, stride=(1, 2), padding=(0, 1),
                                                dilation=2), bn(nn.BatchNorm2d(2)),
                  nn.Sigmoid(), nn.Flatten(), nn.Linear(130, 2)]
        return dict(desc="Conv2d(k(2,3), s(2,1), p(1,2), d(2,1)): 5x5 -> 3x7, Tanh, "
                    "ConvTranspose2d(k2, s(1,2), p(0,1), d2): -> 5x13, "
                    "BatchNorm2d(eval), Sigmoid, Flatten-Linear, MSE mean; overlapping "
                    "subsampling", layers=layers, N=5, input_shape=[1, 5, 5],
                    loss=("mse", "mean"), groups=[(None, top_k(4))],
                    subsampling_grad=[4, 2, 0], subsampling_ggn=[0, 3, 4])

    @case
    def two_embeddings_summed_graph_elu_ce_sum_top3():
        nodes = [("tok", nn.Embedding(5, 3), ["x"]),
                 ("tok2", nn.Embedding(5, 3), ["x"]),
                 ("add", "add", ["tok", "tok2"]),
                 ("act", nn.ELU(), ["add"]),
                 ("flatten", nn.Flatten(), ["act"]),
                 ("fc", nn.Linear(12, 3), ["flatten"])]
        return dict(desc="two Embedding(5, 3) tables read the same 4 indices per sample, summed "
                    "(a graph), ELU-Flatten-Linear, CE sum; ViViT's EighComputation has no "
                    "Embedding extension, so no evecs", nodes=nodes, N=4, input_shape=[4],
                    loss=("cross_entropy", "sum"), groups=[(None, top_k(3))],
                    integer_input=5)

    @case
    def batchnorm1d_rank_deficient_and_empty_selection_ce_mean():
        layers = [nn.Linear(4, 3), bn(nn.BatchNorm1d(3)), nn.LeakyReLU(0.2), nn.Linear(3, 3)]
        return dict(desc="Linear-BatchNorm1d(eval)-LeakyReLU(0.2)-Linear, CE mean; groups "
                    "{bn weight, bias} threshold 1e-7 (rank <= 6 of a 18x18 Gram), {W0, b0} "
                    "top-2, {W1, b1} threshold 1e3 (selects nothing)", layers=layers, N=6,
                    input_shape=[4], loss=("cross_entropy", "mean"),
                    groups=[([2, 3], thr(1e-7)), ([0, 1], top_k(2)), ([4, 5], thr(1e3))])

    @case
    def sequential_scale_module_selu_dropout_identity_mse_mean_top3():
        layers = [nn.Linear(4, 5), ScaleModule(0.5), nn.SELU(), nn.Dropout(0.2), nn.Identity(),
                  nn.Linear(5, 3)]
        return dict(desc="Linear-ScaleModule(0.5) (BackPACK's, in an nn.Sequential)-SELU-"
                    "Dropout(eval)-Identity-Linear, MSE mean", layers=layers, N=5,
                    input_shape=[4], loss=("mse", "mean"), groups=[(None, top_k(3))])

    return C


# ---------------------------------------------------------------- computation
def criterion_fn(crit, record):
    def select(evals):
        record.append(evals.detach().clone())
        n = evals.numel()
        if crit["type"] == "top_k":
            return [n - crit["k"] + i for i in range(crit["k"])]
        return [i for i in range(n) if evals[i] > crit["threshold"]]

    return select


def rel(a, b):
    a = torch.as_tensor(a, dtype=torch.float64)
    b = torch.as_tensor(b, dtype=torch.float64)
    if b.numel() == 0:  # an empty selection: nothing to compare
        return 0.0
    m = b.abs().max().item()
    d = (a - b).abs().max().item() if a.numel() else 0.0
    return d / m if m > 0 else d


def per_sample_loss(loss_type, red, f, y, N):
    """L_n (ViViT's convention): the sample's own loss (mean), N times its sum term (sum)."""
    fn = nn.MSELoss(reduction=red) if loss_type == "mse" else nn.CrossEntropyLoss(reduction=red)
    return fn(f, y) * (N if red == "sum" else 1)


def sqrt_hessian(loss_type, red, f, N):
    """BackPACK's Ŝ with Ŝ Ŝᵀ = ∂²L_n/∂f² (golden README)."""
    C = f.numel()
    if loss_type == "mse":
        h = 2.0 / C if red == "mean" else 2.0 * N
        return math.sqrt(h) * torch.eye(C)
    p = torch.softmax(f.reshape(-1), 0)
    phi = 1.0 if red == "mean" else float(N)
    return math.sqrt(phi) * (torch.diag(p.sqrt()) - torch.outer(p, p.sqrt()))


def canonical_sign(e):
    a = e.abs()
    mx = a.max()
    first = int(torch.nonzero(a >= mx * (1 - 1e-12))[0])
    opposite = e[e * e[first] < 0].abs()
    margin = (mx - (opposite.max() if opposite.numel() else 0.0)) / mx
    return (1.0 if e[first] > 0 else -1.0), float(margin)


def run_case(name, spec, seed):
    torch.manual_seed(seed)
    spec = spec()  # modules are drawn after seeding
    N = spec["N"]
    graph = "nodes" in spec
    net = GraphNet(spec["nodes"]) if graph else nn.Sequential(*spec["layers"])
    net.eval()
    if "integer_input" in spec:
        X = torch.randint(0, spec["integer_input"], (N, *spec["input_shape"]))
    else:
        X = torch.randn(N, *spec["input_shape"])
    out_dim = net(X[:1]).shape[1]
    loss_type, red = spec["loss"]
    y = torch.rand(N, out_dim) if loss_type == "mse" else torch.randint(0, out_dim, (N,))
    C = out_dim

    # parameter table in the schema's order (layers/nodes in order, weight before bias)
    names = [n for n, _ in net.named_parameters()]
    table, offset = [], 0
    if graph:
        node_pos = {n: i for i, (n, _, _) in enumerate(spec["nodes"])}
    for idx, (pname, p) in enumerate(net.named_parameters()):
        layer, short = pname.rsplit(".", 1)
        table.append({"index": idx, "layer": node_pos[layer] if graph else int(layer),
                      "name": short, "shape": list(p.shape), "offset": offset,
                      "numel": p.numel()})
        offset += p.numel()
    P = offset

    groups = []
    for params, crit in spec["groups"]:
        if params is None:
            params = list(range(len(names)))
        params = sorted(names.index(p) if isinstance(p, str) else p for p in params)
        groups.append({"params": params, "criterion": crit})

    sub_grad = spec.get("subsampling_grad")
    sub_ggn = spec.get("subsampling_ggn")
    S = sub_ggn if sub_ggn is not None else list(range(N))
    T = sub_grad if sub_grad is not None else list(range(N))

    reference_net = deepcopy(net)
    loss_fn = (nn.MSELoss if loss_type == "mse" else nn.CrossEntropyLoss)(reduction=red)

    # ---- the real ViViT run
    model = extend(deepcopy(net), use_converter=graph)
    model.eval()
    lossf = extend(deepcopy(loss_fn))
    bp = dict(model.named_parameters())
    assert sorted(bp) == sorted(names), (sorted(bp), names)

    def vivit_groups(records):
        return [{"params": [bp[names[i]] for i in g["params"]],
                 "criterion": criterion_fn(g["criterion"], records[j])}
                for j, g in enumerate(groups)]

    def zero():
        for p in model.parameters():
            p.grad = None

    dd = DirectionalDerivativesComputation(subsampling_grad=sub_grad, subsampling_ggn=sub_ggn,
                                           mc_samples_ggn=0, verbose=False,
                                           warn_small_eigvals=1e-4)
    dd_records = [[] for _ in groups]
    vg = vivit_groups(dd_records)
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("ignore", message=".*symeig is deprecated.*")
        warnings.simplefilter("always")
        zero()
        loss = lossf(model(X), y)
        with backpack_ctx(*dd.get_extensions(), extension_hook=dd.get_extension_hook(vg)):
            loss.backward()
    vivit_warnings = [str(w.message) for w in caught if "symeig" not in str(w.message)]
    grad = torch.cat([bp[n].grad.reshape(-1) for n in names])
    dd_results = [dd.get_result(g) for g in vg]

    eigh = EighComputation(subsampling=sub_ggn, mc_samples=0, verbose=False,
                           warn_small_eigvals=1e-4)
    eigh_records = [[] for _ in groups]
    eg = vivit_groups(eigh_records)
    zero()
    try:
        with backpack_ctx(eigh.get_extension(), extension_hook=eigh.get_extension_hook(eg)):
            lossf(model(X), y).backward()
        eigh_results = [eigh.get_result(g) for g in eg]
        eigh_missing = None
    except NotImplementedError as err:  # vivit's own ViViTGGNExact lacks e.g. Embedding
        eigh_results = [None] * len(groups)
        eigh_missing = str(err)

    zero()
    with backpack_ctx(SqrtGGNExact(subsampling=sub_ggn)):
        lossf(model(X), y).backward()
    grams = []
    for g in groups:
        vs = [bp[names[i]].sqrt_ggn_exact for i in g["params"]]
        V = torch.cat([v.reshape(C * len(S), -1) for v in vs], 1)
        grams.append(V @ V.T * (N / len(S)))
    zero()

    # ---- independent autograd reference
    ref_params = [p for _, p in reference_net.named_parameters()]
    L_n, g_n, J_n, H_n, Shat, hs_err = [], [], [], [], [], 0.0
    for n in range(N):
        f = reference_net(X[n:n + 1])
        Ln = per_sample_loss(loss_type, red, f, y[n:n + 1], N)
        L_n.append(Ln.item())
        g_n.append(torch.cat([t.reshape(-1) for t in torch.autograd.grad(Ln, ref_params,
                                                                         retain_graph=True)]))
        rows = []
        for c in range(C):
            gr = torch.autograd.grad(f[0, c], ref_params, retain_graph=True, allow_unused=True)
            rows.append(torch.cat([(t if t is not None else torch.zeros_like(p)).reshape(-1)
                                   for t, p in zip(gr, ref_params)]))
        J_n.append(torch.stack(rows))
        fd = f.detach()
        H = torch.autograd.functional.hessian(
            lambda z: per_sample_loss(loss_type, red, z.reshape(1, C), y[n:n + 1], N),
            fd.reshape(-1))
        H_n.append(H)
        Sh = sqrt_hessian(loss_type, red, fd, N)
        Shat.append(Sh)
        hs_err = max(hs_err, rel(Sh @ Sh.T, H))
    ref_loss = loss_fn(reference_net(X), y)
    ref_grad = torch.cat([t.reshape(-1) for t in torch.autograd.grad(ref_loss, ref_params)])
    L_n_t = torch.tensor(L_n)
    g_all = torch.stack(g_n)

    check = {"reference": "plain torch.autograd, independent of BackPACK/ViViT: per-sample "
             "losses L_n, gradients, Jacobians J_n (one backward pass per output) and loss "
             "Hessians H_n (torch.autograd.functional.hessian); the factor Ṽ from J_n and the "
             "golden README's Ŝ; GGN G_n = J_n^T H_n J_n",
             "metric": "normwise relative discrepancy max|vivit - reference| / max|reference|",
             "loss_rel_err": rel(loss.detach(), ref_loss.detach()),
             "loss_vs_mean_per_sample_losses_rel_err": rel(loss.detach(), L_n_t.mean()),
             "grad_rel_err": rel(grad, ref_grad),
             "grad_vs_mean_per_sample_grads_rel_err": rel(grad, g_all.mean(0)),
             "loss_hessian_sqrt_convention_rel_err": hs_err, "groups": []}
    out_groups, worst, min_cos = [], 0.0, 1.0
    for j, g in enumerate(groups):
        idx = torch.cat([torch.arange(table[i]["offset"], table[i]["offset"] + table[i]["numel"])
                         for i in g["params"]])
        gram_evals = dd_records[j][0]
        sel = criterion_fn(g["criterion"], [])(gram_evals)
        evals = gram_evals[sel]
        gammas, lambdas = dd_results[j]
        # reference factor Ṽ[:, (v, m)] = J_{s_m}^T Ŝ_{s_m}[:, v] / sqrt(|S|), index v·|S| + m
        cols = torch.zeros(len(idx), C, len(S))
        for m, s in enumerate(S):
            cols[:, :, m] = J_n[s][:, idx].T @ Shat[s] / math.sqrt(len(S))
        Vt = cols.reshape(len(idx), C * len(S))
        gram_ref = Vt.T @ Vt
        ref_evals, ref_evecs = torch.linalg.eigh(gram_ref)
        e = Vt @ ref_evecs[:, sel] / ref_evals[sel].sqrt()
        signs, margins = [], []
        for k in range(len(sel)):
            s_k, mg = canonical_sign(e[:, k])
            e[:, k] *= s_k
            margins.append(mg)
        gam_ref = torch.stack([g_n[t][idx] for t in T]) @ e
        lam_ref = torch.stack([torch.einsum("pk,pq,qk->k", e, J_n[s][:, idx].T @ H_n[s]
                                            @ J_n[s][:, idx], e) for s in S])
        flips = torch.sign((gammas * gam_ref).sum(0))
        flips[flips == 0] = 1
        gam_can = gammas * flips
        mx = gram_evals.abs().max()
        rank_tol = 1e-10 * mx
        nz = gram_evals[gram_evals > rank_tol]
        # eigenvectors from ViViT's EighComputation, canonical sign, group layout
        if eigh_results[j] is not None:
            eg_evals, eg_evecs = eigh_results[j]
            if len(sel) == 0:  # a criterion that selects nothing
                E = torch.zeros(0, len(idx))
            else:
                E = torch.cat([v.reshape(v.shape[0], -1) for v in eg_evecs], 1)
                E = torch.stack([E[k] * canonical_sign(E[k])[0] for k in range(E.shape[0])])
            cos = (E * e.T).sum(1).abs().min().item() if len(sel) else 1.0
        else:
            E, eg_evals, cos = None, evals, 1.0
        sorted_ev = gram_evals
        gaps = [(evals[k + 1] - evals[k]).item() for k in range(len(sel) - 1)]
        below = sorted_ev[: sel[0]] if sel else sorted_ev
        if len(sel) and below.numel():
            gaps.append((evals[0] - below[-1]).item())
        clusters, cur = [], [0] if len(sel) else []
        for k in range(1, len(sel)):
            if evals[k] - evals[k - 1] <= 1e-9 * mx:
                cur.append(k)
            else:
                clusters.append(cur)
                cur = [k]
        if cur:
            clusters.append(cur)
        degenerate = [c for c in clusters if len(c) > 1]
        gcheck = {"group": j,
                  "nonzero_evals_count_vivit_vs_ref":
                      [int(nz.numel()), int((ref_evals > 1e-10 * ref_evals.max()).sum())],
                  "gram_evals_rel_err": rel(gram_evals, ref_evals),
                  "evals_rel_err": rel(evals, ref_evals[sel]),
                  "gram_vs_autograd_factor_rel_err": rel(grams[j], gram_ref),
                  "gammas_abs_rel_err": rel(gammas.abs(), gam_ref.abs()),
                  "gammas_sign_aligned_rel_err": rel(gam_can, gam_ref),
                  "lambdas_rel_err": rel(lambdas, lam_ref),
                  "lambdas_mean_vs_evals_rel_err": rel(lambdas.mean(0), evals),
                  "eigh_evals_vs_dd_evals_rel_err": rel(eg_evals, evals),
                  "eigh_evecs_min_abs_cos_vs_ref": cos,
                  "canonical_sign_min_margin": min(margins) if margins else 1.0}
        if degenerate:
            raise ValueError(f"{name}: degenerate clusters {degenerate}; choose another case")
        for key, v in gcheck.items():
            if key.endswith("rel_err"):
                worst = max(worst, v)
        min_cos = min(min_cos, cos)
        check["groups"].append(gcheck)
        og = {"group": j, "params": g["params"], "dim": len(idx), "criterion": g["criterion"],
              "gram_evals": lst(gram_evals), "rank_tol": rank_tol.item(),
              "nonzero_evals": lst(nz), "selected_indices": sel, "evals": lst(evals),
              "gammas": lst(gammas), "lambdas": lst(lambdas), "gammas_canonical": lst(gam_can),
              "degenerate_clusters": degenerate, "boundary_degenerate": False,
              "min_relative_gap": (min(gaps) / mx).item() if gaps else None}
        if E is not None and len(sel) * len(idx) <= 20000:
            og["evecs"] = lst(E)
        if C * len(S) <= 100:
            og["gram"] = lst(grams[j])
        out_groups.append(og)
    for key in ("loss_rel_err", "grad_rel_err", "grad_vs_mean_per_sample_grads_rel_err",
                "loss_hessian_sqrt_convention_rel_err",
                "loss_vs_mean_per_sample_losses_rel_err"):
        worst = max(worst, check[key])
    if eigh_missing:
        check["eigh_not_run"] = ("vivit.EighComputation failed (" + eigh_missing + "); no "
                                 "evecs stored, eigh_* checks compare nothing")
    check.update({"max_rel_discrepancy": worst, "min_abs_cos_evecs": min_cos,
                  "passed": worst < PASS_TOL and 1 - min_cos < PASS_TOL,
                  "pass_tolerance": PASS_TOL})
    if not check["passed"]:
        raise ValueError(f"{name}: ViViT vs autograd check failed: {json.dumps(check)}")

    outputs = {"loss": loss.item(), "per_sample_losses": L_n, "grad": lst(grad)}
    if N * P <= 20000:
        outputs["per_sample_grads"] = lst(g_all)
    outputs["groups"] = out_groups
    dd_src = os.path.join(os.path.dirname(vivit.__file__), "optim", "directional_derivatives.py")
    case = {"schema_version": 1, "name": name, "description": spec["desc"], "dtype": "float64",
            "N": N, "input_shape": spec["input_shape"], "num_outputs": C, "num_params": P,
            "loss": {"type": loss_type, "reduction": red}}
    if graph:
        case["graph"] = graph_spec(spec["nodes"])
    else:
        case["model"] = [layer_spec(m) for m in spec["layers"]]
    case.update({
        "params": table, "X": lst(X), "y": lst(y),
        "computation": {"class": "vivit.DirectionalDerivativesComputation",
                        "subsampling_grad": sub_grad, "subsampling_ggn": sub_ggn,
                        "mc_samples_ggn": 0, "warn_small_eigvals": 1e-4,
                        "N_grad": len(T), "N_ggn": len(S)},
        "param_groups": groups, "outputs": outputs, "vivit_warnings": vivit_warnings,
        "check": check,
        "provenance": {
            "generator": "src/test/resources/golden-vivit/make_golden.py",
            "vivit_directional_derivatives_py_sha256":
                hashlib.sha256(open(dd_src, "rb").read()).hexdigest(),
            # relative to the reference install, so that no machine's path is recorded
            "vivit_path": vivit_path(),
            "backpack_version": backpack.__version__ if hasattr(backpack, "__version__")
            else "1.5.2",
            "torch_version": torch.__version__, "python_version": sys.version.split()[0],
            "default_dtype_for_golden": "torch.float64", "seed": seed,
            "backpack_converter": graph,
            "data_generation": "torch.set_default_dtype(float64); torch.manual_seed(seed); "
            "modules constructed in order (default init; batch norms then get running_mean "
            "0.5·randn, running_var 0.5 + rand, weight 1 + 0.3·randn, bias 0.2·randn, eval "
            "mode); X = torch.randn(N, *input_shape) (embedding: randint(0, V)); y = "
            "torch.rand(N, C) (MSE) or torch.randint(0, C, (N,)) (CE)."}})
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as fh:
        json.dump(case, fh)
        fh.write("\n")
    print(f"{name}: P={P} C={C} N={N} worst={worst:.1e} cos={min_cos:.15f} "
          f"{os.path.getsize(path) // 1024} KiB", flush=True)


def main():
    all_cases = cases()
    wanted = sys.argv[1:] or list(all_cases)
    failed = []
    for seed, name in enumerate(all_cases):
        if name in wanted:
            try:
                run_case(name, all_cases[name], 100 + seed)
            except Exception as e:  # report every case, then fail
                print(f"{name}: FAILED {type(e).__name__}: {e}", flush=True)
                failed.append(name)
    if failed:
        raise SystemExit(f"failed: {failed}")


if __name__ == "__main__":
    main()
