"""An MLP on scikit-learn's 8x8 handwritten digits, tuned by Knobs.

Run it by hand:   /usr/bin/python3 train.py --lr 0.003 --epochs 5
Run a sweep:      npx knobs run sweep.yaml

Reports val_loss, val_acc and train_loss after each epoch through the Knobs helper
(helpers/python/knobs.py, put on PYTHONPATH by the runner). Without the helper it prints the
same numbers as `epoch 3 | train_loss: ... | val_loss: ... | val_acc: ...`.
Saves a checkpoint after each epoch and resumes from one when Knobs restarts the trial.

Data: --val_fraction of the images is held out from training (seed --split_seed); that held-out
part is split again (stratified, fixed seed TEST_SPLIT_SEED) into validation and a test split
(--test_fraction of it), which neither training nor model selection ever sees.

Modes:
  knobs lr-find sweep.yaml       an lr range test: with KNOBS_LR_FIND set, trains for
                                 KNOBS_LR_STEPS minibatches with lr = knobs.lr_at(step) and
                                 reports `loss` and `lr` each step (no validation, no checkpoint)
  --clr                          cyclical learning rates (torch.optim.lr_scheduler.CyclicLR,
                                 triangular, between --base_lr and --lr, half-cycle
                                 --clr_step_epochs epochs)
  --evaluate CHECKPOINT          loads a checkpoint (a folder holding last.pt, or the file) and
                                 reports test_loss and test_acc on the held-out test split
"""

import argparse
import os
import pickle
import signal
import sys
import time

try:
    import knobs
except ImportError:  # run standalone, without the Knobs helpers on PYTHONPATH
    knobs = None

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

CHECKPOINT = "last.pt"
TEST_SPLIT_SEED = 20240617  # fixed: the test images are the same for every trial and split_seed


def str2bool(v):
    if isinstance(v, bool):
        return v
    if v.lower() in ("1", "true", "yes", "on"):
        return True
    if v.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError("expected a boolean (true/false), got %r" % v)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate (> 0)")
    p.add_argument("--dropout", type=float, default=0.2, help="dropout after each hidden layer, in [0, 1)")
    p.add_argument("--weight_decay", type=float, default=1e-4, help="L2 penalty (AdamW decoupled weight decay, >= 0)")
    p.add_argument("--l1", type=float, default=0.0, help="L1 lambda on the weights (>= 0)")
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--hidden", type=int, default=128, help="units per hidden layer")
    p.add_argument("--layers", type=int, default=2, help="number of hidden layers")
    p.add_argument("--arch", default="mlp", choices=["mlp", "cnn"], help="mlp, or a small CNN on the 8x8 images")
    p.add_argument("--seed", type=int, default=0, help="seed for weights, dropout and batch order")
    p.add_argument("--split_seed", type=int, default=0, help="seed of the train/val split (keep it fixed across trials)")
    p.add_argument("--val_fraction", type=float, default=0.2, help="share of the images held out from training (validation + test)")
    p.add_argument("--test_fraction", type=float, default=0.5, help="share of the held-out images kept for the final test")
    p.add_argument("--clr", type=str2bool, nargs="?", const=True, default=False, help="cyclical lr (CyclicLR) between --base_lr and --lr")
    p.add_argument("--base_lr", type=float, default=None, help="CyclicLR lower bound (default: lr / 4)")
    p.add_argument("--clr_step_epochs", type=float, default=2.0, help="CyclicLR half-cycle, in epochs")
    p.add_argument("--evaluate", default=None, metavar="CHECKPOINT", help="evaluate a checkpoint on the test split and exit")
    p.add_argument("--device", default="auto", help="auto (cuda if available), cpu, cuda, cuda:N")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (Knobs runs trials side by side)")
    p.add_argument("--checkpoint_dir", default=None, help="where to save checkpoints (default: the Knobs trial's)")
    a = p.parse_args(argv)
    checks = [
        (a.lr > 0, "--lr is %r but must be > 0" % a.lr),
        (0 <= a.dropout < 1, "--dropout is %r but must be in [0, 1)" % a.dropout),
        (a.weight_decay >= 0, "--weight_decay is %r but must be >= 0" % a.weight_decay),
        (a.l1 >= 0, "--l1 is %r but must be >= 0" % a.l1),
        (a.batch_size >= 1, "--batch_size is %r but must be >= 1" % a.batch_size),
        (a.epochs >= 1, "--epochs is %r but must be >= 1" % a.epochs),
        (a.hidden >= 1, "--hidden is %r but must be >= 1" % a.hidden),
        (a.layers >= 1, "--layers is %r but must be >= 1" % a.layers),
        (a.threads >= 1, "--threads is %r but must be >= 1" % a.threads),
        (0 < a.val_fraction < 1, "--val_fraction is %r but must be in (0, 1)" % a.val_fraction),
        (0 < a.test_fraction < 1, "--test_fraction is %r but must be in (0, 1)" % a.test_fraction),
        (a.base_lr is None or 0 < a.base_lr <= a.lr, "--base_lr is %r but must be in (0, --lr]" % a.base_lr),
        (a.clr_step_epochs > 0, "--clr_step_epochs is %r but must be > 0" % a.clr_step_epochs),
    ]
    for ok, message in checks:
        if not ok:
            p.error(message)  # exits with status 2
    return a


def pick_device(name):
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device %s: CUDA is not available here (use --device cpu or auto)" % name)
    return torch.device(name)


class MLP(nn.Module):
    def __init__(self, n_in, n_out, hidden, layers, dropout):
        super().__init__()
        blocks = []
        width = n_in
        for _ in range(layers):
            blocks += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout)]
            width = hidden
        blocks.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*blocks)

    def forward(self, x):
        return self.net(x)


class SmallCNN(nn.Module):
    """Two 3x3 conv layers on the 8x8 digit images, then a linear head (the GPU benchmark's model)."""

    def __init__(self, n_out, hidden, dropout):
        super().__init__()
        c = max(8, hidden // 4)
        self.features = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(2 * c * 16, hidden), nn.ReLU(), nn.Linear(hidden, n_out))

    def forward(self, x):
        return self.head(self.features(x.view(-1, 1, 8, 8)))


def load_data(split_seed, val_fraction, test_fraction, device):
    """(x_train, y_train, x_val, y_val, x_test, y_test): three disjoint stratified splits."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixel values are 0..16
    y = digits.target.astype(np.int64)
    x_tr, x_out, y_tr, y_out = train_test_split(x, y, test_size=val_fraction, random_state=split_seed, stratify=y)
    x_va, x_te, y_va, y_te = train_test_split(x_out, y_out, test_size=test_fraction, random_state=TEST_SPLIT_SEED, stratify=y_out)
    t = lambda a: torch.from_numpy(a).to(device)
    return t(x_tr), t(y_tr), t(x_va), t(y_va), t(x_te), t(y_te)


def model_config(args, n_in):
    return {"arch": args.arch, "n_in": int(n_in), "hidden": args.hidden, "layers": args.layers, "dropout": args.dropout}


def build_model(cfg, device):
    if cfg["arch"] == "cnn":
        return SmallCNN(10, cfg["hidden"], cfg["dropout"]).to(device)
    return MLP(cfg["n_in"], 10, cfg["hidden"], cfg["layers"], cfg["dropout"]).to(device)


def emit(epoch, metrics):
    if knobs is not None:
        knobs.report(step=epoch, **metrics)
    else:
        print("epoch %d | " % epoch + " | ".join("%s: %.6g" % kv for kv in metrics.items()), flush=True)


def checkpoint_folder(args):
    if args.checkpoint_dir:
        os.makedirs(args.checkpoint_dir, exist_ok=True)
        return args.checkpoint_dir
    return knobs.checkpoint_dir() if knobs is not None else None


def resume_folder():
    return knobs.resume_from() if knobs is not None else None


def torch_load(path):
    # Our own checkpoint from this trial's folder. torch 1.13's weights_only loader cannot read
    # floats, so fall back to the full loader there; torch < 1.13 has no weights_only at all.
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:
        return torch.load(path, map_location="cpu")
    except pickle.UnpicklingError:
        return torch.load(path, map_location="cpu", weights_only=False)


def save_checkpoint(folder, model, opt, epoch, generator, cfg, scheduler=None):
    path = os.path.join(folder, CHECKPOINT)
    tmp = path + ".tmp"
    state = {
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "batch_rng": generator.get_state(),
        "model_config": cfg,
    }
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a kill never leaves a half-written checkpoint


def evaluate(args, device):
    """--evaluate: load a checkpoint, report test_loss and test_acc on the held-out test split."""
    path = args.evaluate
    if os.path.isdir(path):
        path = os.path.join(path, CHECKPOINT)
    if not os.path.isfile(path):
        raise SystemExit("--evaluate %s: no checkpoint there (expected a folder holding %s, or the file)" % (args.evaluate, CHECKPOINT))
    state = torch_load(path)
    _, _, _, _, x_te, y_te = load_data(args.split_seed, args.val_fraction, args.test_fraction, device)
    cfg = state.get("model_config") or model_config(args, x_te.shape[1])
    model = build_model(cfg, device)
    model.load_state_dict(state["model"])
    model.eval()
    with torch.no_grad():
        logits = model(x_te)
        test_loss = F.cross_entropy(logits, y_te).item()
        test_acc = (logits.argmax(1) == y_te).float().mean().item()
    emit(int(state.get("epoch", 0)), {"test_loss": test_loss, "test_acc": test_acc})
    return 0


def lr_range_test(ramp, model, opt, x_tr, y_tr, batch_size, generator, l1, weights):
    """The lr range test: one minibatch per ramp step (cycling through epochs), `loss` and `lr` each step."""
    n = x_tr.shape[0]
    model.train()
    order = torch.randperm(n, generator=generator).to(x_tr.device)
    pos = 0
    for step in range(ramp["steps"]):
        if pos >= n:
            order, pos = torch.randperm(n, generator=generator).to(x_tr.device), 0
        idx = order[pos : pos + batch_size]
        pos += batch_size
        lr = knobs.lr_finder_step(opt, step, ramp)
        loss = F.cross_entropy(model(x_tr[idx]), y_tr[idx])
        knobs.report(step=step, loss=loss.item(), lr=lr)
        if not torch.isfinite(loss):
            return 0
        if l1 > 0:
            loss = loss + l1 * sum(w.abs().sum() for w in weights)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return 0


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    torch.manual_seed(args.seed)
    if args.evaluate:
        return evaluate(args, device)
    generator = torch.Generator().manual_seed(args.seed)
    x_tr, y_tr, x_va, y_va, _, _ = load_data(args.split_seed, args.val_fraction, args.test_fraction, device)
    cfg = model_config(args, x_tr.shape[1])
    model = build_model(cfg, device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    ramp = knobs.lr_finder() if knobs is not None else None
    if ramp is not None:
        return lr_range_test(ramp, model, opt, x_tr, y_tr, args.batch_size, generator, args.l1, weights)
    scheduler = None
    if args.clr:
        batches = -(-x_tr.shape[0] // args.batch_size)
        scheduler = torch.optim.lr_scheduler.CyclicLR(
            opt,
            base_lr=args.base_lr if args.base_lr is not None else args.lr / 4,
            max_lr=args.lr,
            step_size_up=max(1, int(round(args.clr_step_epochs * batches))),
            mode="triangular",
            cycle_momentum=False,  # AdamW has no `momentum`; CyclicLR would fail on it
        )

    start = 1
    resume = resume_folder()
    if resume and os.path.isfile(os.path.join(resume, CHECKPOINT)):
        state = torch_load(os.path.join(resume, CHECKPOINT))
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        if scheduler is not None and "scheduler" in state:
            scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        generator.set_state(state["batch_rng"])
        start = int(state["epoch"]) + 1
        print("resumed from %s at epoch %d" % (resume, start), file=sys.stderr, flush=True)
    folder = checkpoint_folder(args)
    stop_requested = knobs.should_stop if knobs is not None else (lambda: False)
    stop_requested()  # installs the SIGTERM handler: finish the epoch, save, leave

    n = x_tr.shape[0]
    for epoch in range(start, args.epochs + 1):
        t0 = time.time()
        model.train()
        order = torch.randperm(n, generator=generator).to(device)
        total, seen = 0.0, 0
        for i in range(0, n, args.batch_size):
            idx = order[i : i + args.batch_size]
            logits = model(x_tr[idx])
            loss = F.cross_entropy(logits, y_tr[idx])
            total += loss.item() * idx.numel()
            seen += idx.numel()
            if args.l1 > 0:
                loss = loss + args.l1 * sum(w.abs().sum() for w in weights)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if scheduler is not None:
                scheduler.step()
        model.eval()
        with torch.no_grad():
            logits = model(x_va)
            val_loss = F.cross_entropy(logits, y_va).item()
            val_acc = (logits.argmax(1) == y_va).float().mean().item()
        if folder:
            save_checkpoint(folder, model, opt, epoch, generator, cfg, scheduler)
        emit(epoch, {"train_loss": total / seen, "val_loss": val_loss, "val_acc": val_acc})
        if stop_requested():
            print("stop requested: saved epoch %d, exiting" % epoch, file=sys.stderr, flush=True)
            return 128 + signal.SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
