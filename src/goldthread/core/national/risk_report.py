"""Inspection risk, the report: the backtest as plain text for a terminal (`format_backtest`), and what the
model can and cannot do in plain English (`accuracy_caveat`), the one source of the caveat that the
early-warning pages, `goldthread risk` and its exports state beside the scores."""

from __future__ import annotations

from .risk_models import BELOW_GOOD, INADEQUATE, PRIMARY

# The baseline the primary model is judged against on the pages: previous judgement and deprivation.
BEST_BASELINE = "previous_imd"
CAVEAT_TITLE = "What this can and cannot do"
PROMPT = ("Use the scores as a prompt for questions about a council's published figures, not as a forecast of its "
          "next judgement or a league table.")
NOT_TESTED = "The model's accuracy has not been tested on this data yet. Do not rely on these figures."


def _fmt(entry: dict, digits: int) -> str:
    if entry["estimate"] is None:
        return "-"
    if entry["lower"] is None:
        return f"{entry['estimate']:.{digits}f}"
    return f"{entry['estimate']:.{digits}f} ({entry['lower']:.{digits}f} to {entry['upper']:.{digits}f})"


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def format_backtest(report: dict) -> str:
    """The backtest as plain text for a terminal: per target, every model's AUC, PR-AUC and Brier score
    with 95% intervals and mean prediction, differences against the baselines, the primary model's
    calibration table; then counts per origin."""
    settings = report.get("settings", {})
    origins = report["origins"]
    lines = ["Ofsted inspection risk: rolling-origin backtest",
             f"Origins {origins[0]['origin']} to {origins[-1]['origin']} (1 April each year). At each origin, models are "
             "trained on inspections published before it and score each council's next inspection published "
             "in the 12 months after it, using only figures published before the origin.",
             f"Pooled out-of-sample inspections: {report['targets'][INADEQUATE]['n']}. Intervals: "
             f"{settings.get('interval', 'bootstrap 95%')} ({settings.get('n_boot', '?')} resamples)."]
    for target in report["targets"].values():
        lines += ["", f"{target['label']}: {target['events']} of {target['n']} inspections "
                      f"({100 * (target['base_rate'] or 0):.1f}%)"]
        rows = [[m["label"], _fmt(m["auc"], 2), _fmt(m["pr_auc"], 2), _fmt(m["brier"], 3),
                 "-" if m["mean_predicted"] is None else f"{m['mean_predicted']:.3f}"]
                for m in target["models"].values()]
        lines += _table(["model", "AUC (95% CI)", "PR-AUC (95% CI)", "Brier (95% CI)", "mean p"], rows)
        if target["differences"]:
            labels = {k: m["label"] for k, m in target["models"].items()}
            rows = []
            for key, diff in target["differences"].items():
                first, second = key.split(" - ")
                rows.append([f"{_short(labels[first])} minus {_short(labels[second])}", _fmt(diff["auc"], 2),
                             _fmt(diff["pr_auc"], 2), _fmt(diff["brier"], 3)])
            lines += ["", *_table(["difference (paired bootstrap)", "AUC", "PR-AUC", "Brier"], rows)]
        primary = target["models"].get(PRIMARY)
        if primary and primary["calibration"]:
            rows = [[str(b["bin"]), str(b["n"]), f"{b['p_min']:.2f}-{b['p_max']:.2f}", f"{b['mean_predicted']:.3f}",
                     str(b["events"]), f"{b['observed_rate']:.3f}"] for b in primary["calibration"]]
            lines += ["", f"Calibration, {primary['label'].lower()} (fifths of predicted probability):",
                      *_table(["fifth", "n", "predicted", "mean predicted", "events", "observed"], rows)]
    rows = [[o["origin"], str(o["n_train"]), str(o[f"train_{INADEQUATE}"]), str(o[f"train_{BELOW_GOOD}"]),
             str(o["n_test"]), str(o[f"test_{INADEQUATE}"]), str(o[f"test_{BELOW_GOOD}"]),
             _opt(o.get(f"auc_{INADEQUATE}")), _opt(o.get(f"auc_{BELOW_GOOD}"))] for o in origins]
    lines += ["", "Per origin (train: inspections published before the origin; test: the 12 months after; "
              "AUC of the logistic model, small samples):",
              *_table(["origin", "train", "inadequate", "below good", "test", "inadequate", "below good",
                       "AUC inad.", "AUC below"], rows)]
    if "runtime_seconds" in report:
        lines += ["", f"Runtime {report['runtime_seconds']:.1f} s."]
    return "\n".join(lines) + "\n"


def _short(label: str) -> str:
    return label.split(": ", 1)[-1].split(",")[0]


def _opt(value) -> str:
    return "-" if value is None else f"{value:.2f}"


# --------------------------------------------------------------------------- the accuracy caveat


def _auc(entry: dict) -> dict:
    return {"estimate": entry["estimate"], "lower": entry["lower"], "upper": entry["upper"]}


def accuracy_figures(report: dict) -> dict[str, dict]:
    """Per target of a backtest report (`risk_backtest.backtest`, or its stored summary without the
    predictions): the figures a page or the command line states beside the scores. name, label, n,
    events, base_rate; auc (estimate, lower, upper) and label (model) of the primary model; baselines
    (label, auc); best_baseline (previous judgement + IMD) or None; chance: the primary model's AUC
    interval reaches 0.5; no_better: the interval of its AUC minus the best baseline's reaches 0."""
    out = {}
    for name, target in report.get("targets", {}).items():
        models = target["models"]
        primary = models[PRIMARY]
        best = models.get(BEST_BASELINE)
        difference = target["differences"].get(f"{PRIMARY} - {BEST_BASELINE}", {}).get("auc")
        out[name] = {
            "name": name, "label": target["label"], "n": target["n"], "events": target["events"],
            "base_rate": target["base_rate"], "auc": _auc(primary["auc"]), "model": primary["label"],
            "baselines": [{"label": m["label"], "auc": _auc(m["auc"])} for key, m in models.items() if key != PRIMARY],
            "best_baseline": best and {"label": best["label"], "auc": _auc(best["auc"])},
            "chance": primary["auc"]["lower"] is not None and primary["auc"]["lower"] <= 0.5,
            "no_better": difference is not None and difference["lower"] is not None and difference["lower"] <= 0,
        }
    return out


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _interval(auc: dict) -> str:
    return "" if auc["lower"] is None else f" (95% interval {_f(auc['lower'])} to {_f(auc['upper'])})"


def accuracy_caveat(report: dict | None) -> list[str]:
    """What the model can and cannot do, in plain English sentences, from the backtest's own figures
    (`report`: a backtest report or its stored summary), ending with PROMPT. Without a backtest: NOT_TESTED
    and PROMPT."""
    if report is None:
        return [NOT_TESTED, PROMPT]
    targets = accuracy_figures(report)
    out = []
    bad, below = targets.get(INADEQUATE), targets.get(BELOW_GOOD)
    scale = "where 0.5 is no better than chance and 1 is perfect"
    if bad:
        auc = bad["auc"]
        if bad["chance"]:
            out.append(f"It cannot reliably pick out the councils that will be judged inadequate: tested on "
                       f"{bad['n']} past inspections, its accuracy (AUC) was {_f(auc['estimate'])}"
                       f"{_interval(auc)}, {scale}.")
        else:
            out.append(f"Tested on {bad['n']} past inspections, its accuracy (AUC) for an inadequate judgement was "
                       f"{_f(auc['estimate'])}{_interval(auc)}, {scale}.")
        if bad["best_baseline"]:
            base = bad["best_baseline"]["auc"]["estimate"]
            out.append(f"Knowing only each council's previous judgement and its deprivation does "
                       f"{'about as well' if bad['no_better'] else 'less well'} (AUC {_f(base)}).")
    if below:
        auc = below["auc"]
        better = bad is None or (auc["estimate"] or 0) > (bad["auc"]["estimate"] or 0)
        interval = "" if auc["lower"] is None else f", 95% interval {_f(auc['lower'])} to {_f(auc['upper'])}"
        text = (f"It {'does better at telling' if better else 'is no better at telling'} which councils will be "
                f"judged below good (AUC {_f(auc['estimate'])}{interval})")
        if below["best_baseline"] and below["no_better"]:
            text += (f", but almost all of that comes from the previous judgement and deprivation (AUC "
                     f"{_f(below['best_baseline']['auc']['estimate'])} with those alone)")
        out.append(text + ".")
    out.append(PROMPT)
    return out


__all__ = ["CAVEAT_TITLE", "NOT_TESTED", "PROMPT", "accuracy_caveat", "accuracy_figures", "format_backtest"]
