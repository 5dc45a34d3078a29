"""One heat-map per weight matrix: where in W_N the errors sit (matplotlib, embedded as a PNG data URI).

The colour is log10(error / tolerance) of each checked entry, so 0 is the verdict's line: green at or below
(agrees), red above (fails). Rows are target nodes j, columns source nodes i, as W_N is stored (m_{N+1}, m_N):
a transposed gradient lights up off the diagonal, a one-row bug as one red row. Entries not checked (a
sampled network) are grey; ReLU kink entries are marked with x.
"""

from __future__ import annotations

import base64
import io

import numpy as np

__all__ = ["error_grid", "heatmap_png"]

LOW, HIGH = -6.0, 12.0  # the colour scale in log10(error / tolerance); values outside are clipped
MAX_SIDE = 400          # larger matrices are shown in blocks (the worst entry of each block)


def error_grid(matrix, entries, tolerance) -> tuple[np.ndarray, list]:
    """(grid of log10(error / tolerance), NaN where not checked; kink positions) for one MatrixCheck."""
    rows, cols = matrix.shape
    grid = np.full((rows, cols), np.nan)
    kinks = []
    for e in entries:
        if e.N != matrix.N or e.param != matrix.param:
            continue
        allowed = max(tolerance.atol, tolerance.rtol * abs(e.expected))
        err = e.abs_err if np.isfinite(e.abs_err) else 10.0 ** HIGH * allowed
        ratio = err / allowed if allowed > 0 else (0.0 if err == 0 else 10.0 ** HIGH)
        grid[e.r, e.c] = np.log10(max(ratio, 10.0 ** LOW))
        if e.kink:
            kinks.append((e.r, e.c))
    return np.clip(grid, LOW, HIGH), kinks


def _blocks(grid: np.ndarray) -> tuple[np.ndarray, int]:
    """Reduce a large grid to at most MAX_SIDE per side, keeping the worst value of each block."""
    step = max(1, -(-max(grid.shape) // MAX_SIDE))
    if step == 1:
        return grid, 1
    rows, cols = -(-grid.shape[0] // step), -(-grid.shape[1] // step)
    pad = np.full((rows * step, cols * step), np.nan)
    pad[: grid.shape[0], : grid.shape[1]] = grid
    blocks = pad.reshape(rows, step, cols, step).swapaxes(1, 2).reshape(rows, cols, -1)
    with np.errstate(all="ignore"):
        worst = np.where(np.isnan(blocks).all(-1), np.nan, np.nanmax(np.where(np.isnan(blocks), -np.inf,
                                                                                blocks), -1))
    return worst, step


def _colormap():
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list(
        "agree", [(0.0, "#0b6e2e"), (-LOW / (HIGH - LOW), "#c7ecd2"),
                  (-LOW / (HIGH - LOW) + 1e-6, "#ffd0c8"), (1.0, "#8b0000")])
    return cmap.with_extremes(bad="#d9d9d9")


def heatmap_png(grid: np.ndarray, title: str, kinks=()) -> str:
    """A PNG data URI of the grid (small figure, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown, step = _blocks(grid)
    rows, cols = shown.shape
    width = min(7.0, max(2.2, 0.32 * cols + 1.6))
    height = min(4.5, max(1.6, 0.32 * rows + 0.9))
    fig = Figure(figsize=(width, height), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    image = ax.imshow(shown, cmap=_colormap(), vmin=LOW, vmax=HIGH, aspect="auto", interpolation="nearest")
    if step == 1 and kinks:
        ax.scatter([c for _, c in kinks], [r for r, _ in kinks], marker="x", color="#9a6700", s=18)
    _ticks(ax, rows, cols, step)
    ax.set_title(title + (f" (blocks of {step}x{step}, worst shown)" if step > 1 else ""), fontsize=8)
    bar = fig.colorbar(image, ax=ax, fraction=0.08, pad=0.03)
    bar.set_ticks([LOW, 0, HIGH])
    bar.set_ticklabels([f"1e{int(LOW)}", "tol", f"1e+{int(HIGH)}"])
    bar.ax.tick_params(labelsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _ticks(ax, rows: int, cols: int, step: int) -> None:
    """1-based node numbers: j (target, rows) and i (source, columns), as the paper's {}_N w_i^j."""
    for axis, count, name in ((ax.xaxis, cols, "i (source node)"), (ax.yaxis, rows, "j (target node)")):
        ticks = np.arange(count) if count <= 12 else np.linspace(0, count - 1, 6).round().astype(int)
        axis.set_ticks(ticks)
        axis.set_ticklabels([str(t * step + 1) for t in ticks], fontsize=7)
        axis.set_label_text(name, fontsize=7)
