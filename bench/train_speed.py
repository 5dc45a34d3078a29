"""Training speed: our float32 engine vs PyTorch (CPU) vs the GEMM floor, measured in one run.

Same network for both: 784-100-50-10 with biases, sigmoid everywhere, log-loss (BCE with logits, summed
over outputs and averaged over the batch), plain SGD lr 0.1, batch 64, float32, the same BLAS/intra-op
thread count (default 1: on 2 cores shared with other jobs, spinning BLAS threads cost more than they
give), the full 60,000 MNIST training images per epoch, reshuffled every epoch. Epochs alternate between
the two engines so that background load hits both alike; the median epoch is reported, in wall-clock time
(the targets) and in process CPU time (robust to other jobs when single-threaded).

GEMM floor = the epoch's matrix-multiply FLOPs (forward W_N A_N, grad W = delta A^T, delta propagation
W^T delta) divided by the sgemm rate numpy reaches on exactly those shapes, measured in this run.

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, when set in the environment, pin OpenBLAS to a slower kernel; the
script re-executes itself once without them (``--keep-env`` to keep them) and prints the kernel in use.

    python bench/train_speed.py [--epochs 5] [--threads 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_PINS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

SIZES = (784, 100, 50, 10)
BATCH, LR = 64, 0.1


def _reexec_without_pins(argv) -> None:
    if "--keep-env" in argv or os.environ.get("_TRAIN_SPEED_CHILD"):
        return
    if not any(k in os.environ for k in _PINS):
        return
    env = {k: v for k, v in os.environ.items() if k not in _PINS}
    env["_TRAIN_SPEED_CHILD"] = ",".join(f"{k}={os.environ[k]}" for k in _PINS if k in os.environ)
    os.execve(sys.executable, [sys.executable, *argv], env)


def gemm_floor(n_samples: int, threads: int, seconds: float = 1.5) -> dict:
    """FLOPs of one epoch's GEMMs and the sgemm rate on exactly those shapes (median of repeats)."""
    import numpy as np

    from numeric.threads import blas_threads

    rng = np.random.default_rng(0)
    calls = []  # (a, b, out) for one full batch: forward, grad W, delta propagation
    W = [rng.standard_normal((SIZES[N + 1], SIZES[N]), dtype=np.float32) for N in range(3)]
    A = [rng.standard_normal((m, BATCH), dtype=np.float32) for m in SIZES]
    for N in range(3):
        calls.append((W[N], A[N], np.empty((SIZES[N + 1], BATCH), np.float32)))
        calls.append((A[N + 1], A[N].T, np.empty_like(W[N])))
        if N > 0:
            calls.append((W[N].T, A[N + 1], np.empty((SIZES[N], BATCH), np.float32)))
    flops_batch = sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in calls)
    rates = []
    with blas_threads(threads):
        for _ in range(50):
            for a, b, c in calls:
                np.matmul(a, b, out=c)
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t, c0 = time.perf_counter(), time.process_time()
            for _ in range(100):
                for a, b, c in calls:
                    np.matmul(a, b, out=c)
            rates.append((100 * flops_batch / (time.perf_counter() - t),
                          100 * flops_batch / max(time.process_time() - c0, 1e-9)))
    rate = statistics.median(r[0] for r in rates)
    rate_cpu = statistics.median(r[1] for r in rates)
    flops = flops_batch * n_samples / BATCH
    return {"epoch_gflop": flops / 1e9, "sgemm_gflops": rate / 1e9, "floor_seconds": flops / rate,
            "sgemm_gflops_cpu": rate_cpu / 1e9, "floor_cpu_seconds": flops / rate_cpu}


def torch_epochs(X8, y, epochs_iter, threads: int):
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    X = torch.from_numpy(X8.astype(np.float32) / 255)
    Y = torch.nn.functional.one_hot(torch.from_numpy(y.astype(np.int64)), 10).float()
    net = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.Sigmoid(), torch.nn.Linear(100, 50),
                              torch.nn.Sigmoid(), torch.nn.Linear(50, 10))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")
    gen = torch.Generator().manual_seed(0)
    n = X.shape[0]
    for _ in epochs_iter:
        t, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(n, generator=gen)
        Xs, Ys = X[perm], Y[perm]
        for i in range(0, n, BATCH):
            xb, yb = Xs[i:i + BATCH], Ys[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xb), yb) / xb.shape[0]
            loss.backward()
            opt.step()
        yield time.perf_counter() - t, time.process_time() - c0, net


def ours_epochs(X8, y, epochs_iter):
    from numeric.train import Config, Trainer

    cfg = Config(sizes=SIZES, epochs=10 ** 6, batch=BATCH, lr=LR, optimizer="sgd", schedule="constant")
    tr = Trainer(cfg)
    for _ in epochs_iter:
        tr.config.epochs = tr.epoch + 1
        c0 = time.process_time()
        tr.fit(X8, y)
        yield tr.history[-1]["seconds"], time.process_time() - c0, tr


def main(argv=None) -> int:
    argv = sys.argv if argv is None else argv
    _reexec_without_pins(argv)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--keep-env", action="store_true", help="keep OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv[1:])

    import numpy as np

    from numeric import mnist
    from numeric.threads import blas_info, blas_threads
    from numeric.train import accuracy, as_float_data

    data = mnist.load()
    y = data.train_y.astype(np.int64)
    ours_t, torch_t, ours_c, torch_c = [], [], [], []
    with blas_threads(args.threads):
        ours = ours_epochs(data.train_X, y, range(args.epochs + 1))
        theirs = torch_epochs(data.train_X, y, range(args.epochs + 1), args.threads)
        for k in range(args.epochs + 1):  # epoch 0 of each is a warm-up (page faults, allocations)
            t_ours, c_ours, tr = next(ours)
            t_torch, c_torch, net = next(theirs)
            if k:
                ours_t.append(t_ours)
                torch_t.append(t_torch)
                ours_c.append(c_ours)
                torch_c.append(c_torch)
            print(f"epoch {k}{' (warm-up)' if k == 0 else ''}: ours {t_ours:.3f} s (CPU {c_ours:.3f} s), "
                  f"PyTorch {t_torch:.3f} s (CPU {c_torch:.3f} s)", flush=True)
        floor = gemm_floor(60000, args.threads)
    import torch

    with torch.no_grad():
        torch_acc = float((net(torch.from_numpy(data.test_X.astype(np.float32) / 255)).argmax(1).numpy()
                           == data.test_y).mean())
    ours_acc = accuracy(tr.predict(as_float_data(data.test_X)), data.test_y)
    o, p = statistics.median(ours_t), statistics.median(torch_t)
    oc, pc = statistics.median(ours_c), statistics.median(torch_c)
    result = {
        "threads": args.threads, "epochs_timed": args.epochs, "ours_epoch_s": o, "torch_epoch_s": p,
        "ours_epochs_s": ours_t, "torch_epochs_s": torch_t, **floor,
        "ratio_vs_torch": o / p, "ratio_vs_floor": o / floor["floor_seconds"],
        "ours_cpu_s": oc, "torch_cpu_s": pc, "cpu_ratio_vs_torch": oc / pc,
        "cpu_ratio_vs_floor": oc / floor["floor_cpu_seconds"],
        "ours_test_accuracy": ours_acc, "torch_test_accuracy": torch_acc,
        "blas": blas_info(), "removed_env": os.environ.get("_TRAIN_SPEED_CHILD") or None,
        "torch_version": torch.__version__, "load_average": os.getloadavg(),
    }
    kernel = ", ".join(f"{b['internal_api']} {b['version']} {b['architecture']}" for b in result["blas"])
    print(f"BLAS: {kernel or 'unknown (threadpoolctl missing)'}; threads {args.threads}; "
          f"removed from env: {result['removed_env'] or 'nothing'}; load average {result['load_average']}")
    print(f"epoch (median of {args.epochs}): ours {o:.3f} s | PyTorch {torch.__version__} {p:.3f} s | "
          f"GEMM floor {floor['floor_seconds']:.3f} s ({floor['epoch_gflop']:.1f} GFLOP at "
          f"{floor['sgemm_gflops']:.0f} GFLOP/s)")
    print(f"ratio ours/PyTorch = {o / p:.2f} (target <= 0.70); ours/GEMM floor = "
          f"{o / floor['floor_seconds']:.2f} (target <= 3.0)")
    print(f"CPU time (robust to other jobs when threads = 1): ours {oc:.3f} s, PyTorch {pc:.3f} s, floor "
          f"{floor['floor_cpu_seconds']:.3f} s -> ratios {oc / pc:.2f} and "
          f"{oc / floor['floor_cpu_seconds']:.2f}")
    print(f"test accuracy after {args.epochs + 1} epochs: ours {ours_acc:.4f}, PyTorch {torch_acc:.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
