"""Finding the math with markdown-it-py: $$ in paragraphs and lists, align rows, \\[ \\], letter labels,
and nothing inside code."""
from __future__ import annotations

from verify.derivation.check import check_text
from verify.derivation.extract import extract_displays

DOC = r"""intro $x$ inline, not a display

- a list item $$\sigma'(u) = \sigma(u)(1 - \sigma(u)) \tag{1}$$

```
$$ 1 = 2 \tag{2}$$
```

    $$ 1 = 3 \tag{9}$$

\begin{align}
\sigma'(v) &= \sigma(v)(1 - \sigma(v)) \tag{3} \\
\sigma(0) &= \frac{1}{2} \tag{4}
\end{align}

\[ \sigma(0) = \frac{1}{2} \quad (C) \]
"""


def test_displays_found_by_markdown_it_and_none_in_code():
    displays = extract_displays(DOC)
    assert [d.label for d in displays] == ["1", "3", "4", "C"]
    for d in displays:
        part = d.parts[0]
        assert DOC[part.offset:].lstrip().startswith(part.text.strip()[:10])  # offsets point into the file


def test_align_rows_and_lists_are_checked(checker):
    report = check_text("---\nnotation: standard\nsizes: 2, 2\nbatch: 1\n---\n" + DOC, "d.md", checker)
    assert {v.label: v.status for v in report.numbered} == {"1": "holds", "3": "holds", "4": "holds",
                                                             "C": "holds"}
    assert report.exit_code == 0
