#!/usr/bin/python3
"""Writes resnet_training.json: PyTorch's float64 numbers for a narrow fmnist_resnet.

Run with Debian's PyTorch: /usr/bin/python3 src/test/resources/train/make_resnet_training.py
The module is the torchvision-style ResNet of vivit4j's problems/FmnistResNet with width 2 on
1x6x6 images and 3 classes. Its weights, BatchNorm affine parameters and running statistics are
drawn (seeded) away from PyTorch's initial values. The file holds the state_dict (parameters and
running statistics, flattened row-major), a batch X [N][1][6][6] with class labels y, and:
  eval_logits      the logits in eval mode (running statistics),
  train_loss       the mean cross-entropy in train mode (batch statistics),
  train_grads      its gradient per parameter, the exact backward of batch-statistics BatchNorm,
  running_after    every BatchNorm's running_mean / running_var after that train-mode forward
                   (momentum 0.1, unbiased batch variance).
"""
import json
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


class Block(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.downsample = None
        if stride != 1 or i != o:
            self.downsample = nn.Sequential(
                nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        h = self.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return self.relu(h + (x if self.downsample is None else self.downsample(x)))


class Net(nn.Module):
    def __init__(self, w, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, w, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.relu = nn.ReLU()
        self.layer1 = nn.Sequential(Block(w, w, 1))
        self.layer2 = nn.Sequential(Block(w, 2 * w, 2))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(2 * w, classes)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


net = Net(2, 3)
with torch.no_grad():
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
N = 4
x = torch.randn(N, 1, 6, 6)
y = torch.tensor([2, 0, 1, 2])


def flat(t):
    return t.detach().reshape(-1).tolist()


state = {k: flat(v) for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
net.eval()
with torch.no_grad():
    eval_logits = net(x)
net.train()
loss = nn.functional.cross_entropy(net(x), y)
loss.backward()
out = {
    "description": "written by make_resnet_training.py (torch " + torch.__version__ + ")",
    "X": x.tolist(),
    "y": y.tolist(),
    "state_dict": state,
    "eval_logits": eval_logits.tolist(),
    "train_loss": loss.item(),
    "train_grads": {k: flat(p.grad) for k, p in net.named_parameters()},
    "running_after": {
        k: flat(v) for k, v in net.state_dict().items()
        if k.endswith("running_mean") or k.endswith("running_var")},
}
with open(os.path.join(HERE, "resnet_training.json"), "w") as f:
    json.dump(out, f, indent=1)
