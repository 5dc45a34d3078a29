"""verify impl on code written in six real-world styles, checked with command-line flags only: every style
passes, every planted bug (shape-coincident ones and input mutation included) fails with its diagnosis.
The CLI is run in-process (``verify.cli.main``); the user's code runs in the verifier's child process."""

import json
from pathlib import Path

import pytest

from verify.cli import main

HERE = Path(__file__).parent

# style -> (target, flags); flags alone, no glue code
STYLES = {
    "nielsen": ("nielsen_style.py:Network.backprop", "--biases --per-sample mean --cost mse"),
    "update": ("nielsen_style.py:Network.step", "--biases --cost mse --update 0.5 --args pairs,lr"),
    "sklearn": ("sklearn_style.py:backprop", "--biases --samples rows --weights in-out --bias-shape flat "
                "--activation tanh --output-activation identity --cost mse --node-reduction mean --l2 0.01 "
                "--args weights,biases,X,Y,0.01"),
    "cs231n": ("cs231n_style.py:TwoLayerNet.loss", "--depths 2 --biases --samples rows --weights in-out "
               "--bias-shape flat --activation relu --cost softmax_ce --l2 0.05 --l2-form reg "
               "--factory TwoLayerNet(sizes[0],sizes[1],sizes[2]) --params params[W{N+1}],params[b{N+1}] "
               "--args X,y=labels,reg=0.05"),
    "nnfs": ("nnfs_style.py:Model.backward", "--biases --samples rows --weights in-out --bias-shape row "
             "--cost softmax_ce --factory Model(sizes) --params layers[*].weights,layers[*].biases "
             "--grads layers[*].dweights,layers[*].dbiases --args X,labels"),
    "rowsgd": ("rowsgd_style.py:sample_grads", "--per-sample mean --samples rows --weights in-out "
               "--bias-shape row --biases --args weights,biases,x,y"),
    "paper": ("paper_style.py:backprop", ""),
}

# (style, line in the correct file, planted replacement, expected diagnosis kind or problem kind)
PLANTED = [
    ("nielsen", "delta = (acts[-1] - y) * logistic_slope(pre[-1])", "delta = acts[-1] - y", "missing_phi"),
    ("nielsen", "        return nabla_b, nabla_w", "        self.weights[0] -= 0.1 * nabla_w[0]\n"
     "        return nabla_b, nabla_w", "mutation"),
    ("update", "w - (eta / k) * g", "w - eta * g", "factor_n"),
    ("sklearn", "coef_grads[i] = (acts[i].T @ delta + alpha * coefs[i]) / n",
     "coef_grads[i] = (acts[i].T @ delta + 0.5 * alpha * coefs[i]) / n", "l2"),
    ("sklearn", "delta = (acts[-1] - y) / y.shape[1]", "delta = acts[-1] - y", "reduction"),
    ("sklearn", "coef_grads[i] = (acts[i].T @ delta + alpha * coefs[i]) / n",
     "g = delta.T @ acts[i]\n        coef_grads[i] = ((g if g.shape == coefs[i].shape else g.T) "
     "+ alpha * coefs[i]) / n", "transposed"),                         # wrong only where W_N is square
    ("cs231n", "dh[h <= 0] = 0", "pass", "missing_phi"),
    ("cs231n", "2 * reg *", "reg *", "l2"),
    ("cs231n", "        N = X.shape[0]", "        X -= 0.0 * X + 0.5\n        N = X.shape[0]", "mutation"),
    ("nnfs", "self.dinputs = self.dinputs / samples", "pass", "factor_n"),
    ("nnfs", "self.dinputs = dvalues * (1 - self.output) * self.output",
     "o = 1 / (1 + np.exp(-self.output))\n        self.dinputs = dvalues * (1 - o) * o", "phi_of_a"),
    ("rowsgd", "err = (err @ weights[k - 1].T) * outs[k - 1] * (1 - outs[k - 1])",
     "err = err @ weights[k - 1].T", "missing_phi"),
    ("rowsgd", "grads[f\"dW{k}\"] = outs[k - 1].T @ err", "grads[f\"dW{k}\"] = err.T @ outs[k - 1]",
     "layout"),
    ("paper", "grads.insert(0, delta @ A[N].T / X.shape[1])",
     "g = A[N] @ delta.T / X.shape[1]\n        grads.insert(0, g if g.shape == weights[N].shape else g.T)",
     "transposed"),                                                   # wrong only where W_N is square
    ("paper", "delta = A[-1] - Y", "delta = (A[-1] - Y).sum(axis=0, keepdims=True)", "any"),  # one output
]


def run(capsys, target: str, flags: str, *more) -> tuple[int, dict]:
    code = main(["impl", target, *flags.split(), "--json", "--truth", "complex-step", *more])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_style_passes_with_flags_only(style, capsys):
    target, flags = STYLES[style]
    code, data = run(capsys, str(HERE / target), flags)
    assert code == 0 and data["ok"], json.dumps(data["diagnosis"])
    assert data["setup"]["isolated"] is True


def test_one_style_against_sympy(capsys):
    target, flags = STYLES["sklearn"]
    code = main(["impl", str(HERE / target), *flags.split(), "--no-color"])
    out = capsys.readouterr().out
    assert code == 0 and "PASS" in out and "sympy.diff" in out or "symbolic" in out


def _kinds(data) -> set:
    kinds = {p["kind"] for r in data["reports"] for p in r["problems"]}
    return kinds | ({data["diagnosis"]["kind"]} if data["diagnosis"] else set())


@pytest.mark.parametrize("case", range(len(PLANTED)),
                         ids=[f"{p[0]}-{p[3]}-{i}" for i, p in enumerate(PLANTED)])
def test_planted_bug_caught_with_its_diagnosis(case, tmp_path, capsys):
    style, old, new, kind = PLANTED[case]
    target, flags = STYLES[style]
    file, _, name = target.partition(":")
    text = (HERE / file).read_text()
    assert old in text, old
    (tmp_path / file).write_text(text.replace(old, new))
    code, data = run(capsys, f"{tmp_path / file}:{name}", flags, "--no-shrink")
    assert code == 1 and not data["ok"]
    assert kind == "any" or kind in _kinds(data), (kind, _kinds(data), data["diagnosis"])


def test_shape_coincident_bug_is_found_only_by_the_coincident_cases(tmp_path, capsys):
    style, old, new, _ = PLANTED[-2]
    file = STYLES[style][0].partition(":")[0]
    (tmp_path / file).write_text((HERE / file).read_text().replace(old, new))
    _, data = run(capsys, f"{tmp_path / file}:backprop", "")
    failing = {r["label"] for r in data["reports"] if not r["ok"]}
    assert failing and all(label.startswith("coincident") for label in failing)
    assert data["shrunk"] is not None and len(data["shrunk"]["sizes"]) <= 3


def test_fixed_depth_code_is_unsupported_not_wrong(capsys):
    target, flags = STYLES["cs231n"]
    code, data = run(capsys, str(HERE / target), flags.replace("--depths 2 ", ""))
    assert code == 1 and data["diagnosis"]["kind"] == "unsupported_depth"
    assert "--depths 2" in data["diagnosis"]["title"]


def test_row_major_code_without_flags_is_told_which_layout(tmp_path, capsys):
    code, data = run(capsys, str(HERE / STYLES["paper"][0]), "--weights in-out")
    assert code == 1 and data["diagnosis"]["kind"] == "layout"
    assert "--weights out-in" in data["diagnosis"]["title"]
