"""Inspection risk, the report: the backtest as plain text for a terminal (`format_backtest`), the figures a
page shows (`accuracy_figures`, `metric_rows`, `coverage_rows`), and what the model and the watchlist can and
cannot do in plain English (`accuracy_caveat`, `slipping_caveat`): the one source of the caveats that the
early-warning pages, `goldthread risk` and every export state beside the scores.

Reports are `risk_backtest.backtest`'s, or their stored summary (without the per-inspection predictions):
the same figures either way.
"""

from __future__ import annotations

from .risk_metrics import METRICS
from .risk_models import BELOW_GOOD, INADEQUATE

# The baseline the primary model is judged against on the pages: previous judgement and deprivation.
BEST_BASELINE = "previous_imd"
CAVEAT_TITLE = "What this can and cannot do"
PROMPT = ("Use the scores as a prompt for questions about a council's published figures, not as a forecast of its "
          "next judgement or a league table.")
NOT_TESTED = "The model's accuracy has not been tested on this data yet. Do not rely on these figures."
SCALE = "where 0.5 is no better than chance and 1 is perfect"
# How the metrics are grouped in tables, and how many decimals each is printed with.
METRIC_GROUPS = (
    ("Ranking", ("auc", "same_date_auc", "pr_auc")),
    ("Each year's highest scores", ("top_fifth_precision", "top_fifth_lift", "top10_precision", "top10_lift")),
    ("Calibration", ("brier", "calibration_in_the_large", "calibration_slope")),
)
DIGITS = {"brier": 3, "calibration_in_the_large": 3}
SHORT = {
    "auc": "AUC pooled", "same_date_auc": "AUC same date", "pr_auc": "PR-AUC",
    "top_fifth_precision": "top fifth: precision", "top_fifth_lift": "top fifth: lift",
    "top10_precision": "top 10: precision", "top10_lift": "top 10: lift",
    "brier": "Brier", "calibration_in_the_large": "observed - predicted", "calibration_slope": "slope",
}


def _fmt(entry: dict, digits: int = 2) -> str:
    if entry is None or entry["estimate"] is None:
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


def _years(origins: list[dict] | list[str]) -> str:
    dates = [o["origin"] if isinstance(o, dict) else o for o in origins]
    if not dates:
        return "none"
    first, last = dates[0][:4], dates[-1][:4]
    return first if first == last else f"{first} to {last}"


def _target_lines(target: dict, primary: str | None, *, differences: bool = True) -> list[str]:
    lines = [f"{target['label']}: {target['events']} of {target['n']} inspections "
             f"({100 * (target['base_rate'] or 0):.1f}%)"]
    for title, metrics in METRIC_GROUPS:
        rows = []
        for key, m in target["models"].items():
            mark = " *" if key == primary else ""
            rows.append([m["label"] + mark, *(_fmt(m[metric], DIGITS.get(metric, 2)) for metric in metrics)])
        lines += ["", f"{title} (95% intervals):", *_table(["model", *(SHORT[m] for m in metrics)], rows)]
    if differences and target["differences"]:
        labels = {k: m["label"] for k, m in target["models"].items()}
        rows = []
        for key, diff in target["differences"].items():
            first, second = key.split(" - ")
            rows.append([f"{_short(labels[first])} minus {_short(labels[second])}",
                         *(_fmt(diff[m], DIGITS.get(m, 2)) for m in diff)])
        some = next(iter(target["differences"].values()))
        lines += ["", "Differences (paired bootstrap):",
                  *_table(["", *(SHORT[m] for m in some)], rows)]
    chosen = target["models"].get(primary)
    if chosen and chosen["calibration"]:
        rows = [[str(b["bin"]), str(b["n"]), f"{b['p_min']:.2f}-{b['p_max']:.2f}", f"{b['mean_predicted']:.3f}",
                 str(b["events"]), f"{b['observed_rate']:.3f}"] for b in chosen["calibration"]]
        lines += ["", f"Calibration of {chosen['label'].lower()} (fifths of predicted probability):",
                  *_table(["fifth", "n", "predicted", "mean predicted", "events", "observed"], rows)]
    return lines


def _origin_lines(origins: list[dict], targets: list[str]) -> list[str]:
    headers = ["origin", "train", *(f"train {t}" for t in targets), "test", *(f"test {t}" for t in targets)]
    rows = [[o["origin"], str(o["n_train"]), *(str(o[f"train_{t}"]) for t in targets), str(o["n_test"]),
             *(str(o[f"test_{t}"]) for t in targets)] for o in origins]
    return _table(headers, rows)


def format_backtest(report: dict) -> str:
    """The backtest as plain text for a terminal: the protocol and the primary model's choice; for the
    development origins, every model's every metric with 95% intervals, the differences, the primary
    model's calibration; the held-back origins apart; the slipping-from-good watchlist's own backtest; the
    inspection cycle's accuracy; which years each feature covers; counts per origin."""
    settings, protocol = report.get("settings", {}), report.get("protocol", {})
    development, held = report["development"], report["held_back"]
    primary = report["primary"]["model"]
    lines = ["Ofsted inspection risk: rolling-origin backtest",
             f"Protocol {protocol.get('fingerprint', '?')}"
             + ("" if protocol.get("fixed") else " (NOT the fixed protocol: other origins or models)")
             + f". Development origins {_years(development['origins'])}, held back "
               f"{_years(held['origins'])} (1 April each year). At each origin, models are trained on inspections "
               "published before it and score each council's next inspection published in the 12 months after "
               "it, using only figures published before the origin.",
             f"Intervals: {settings.get('interval', 'bootstrap 95%')} ({settings.get('n_boot', '?')} resamples). "
             "Lift: events found in each year's top fifth (or top 10) divided by the events as many councils "
             "picked at random that year would find.",
             "", f"Primary model (*): {report['primary']['model']}. Rule: {report['primary']['rule']}",
             "Candidates' scores: " + ", ".join(f"{k} {'-' if v is None else f'{v:.3f}'}"
                                                for k, v in report["primary"]["scores"].items()) + ".",
             "", "=" * 20 + f" Development: {_years(development['origins'])}"]
    for target in development["targets"].values():
        lines += ["", *_target_lines(target, primary)]
    lines += ["", "=" * 20 + f" Held back: {_years(held['origins'])}. {held.get('note', '')}"]
    for target in held["targets"].values():
        lines += ["", *_target_lines(target, primary, differences=False)]
    slipping = report.get("slipping")
    if slipping:
        chosen = slipping["primary"]["model"]
        lines += ["", "=" * 20 + " Slipping from good: " + slipping["population"],
                  f"Primary (*): {chosen}, by the same rule. Candidates' scores: "
                  + ", ".join(f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in slipping["primary"]["scores"].items())
                  + "."]
        for title, block in (("Development", slipping["development"]), ("Held back", slipping["held_back"])):
            lines += ["", f"{title}: {_years(block['origins'])}"]
            for target in block["targets"].values():
                lines += ["", *_target_lines(target, chosen, differences=title == "Development")]
    timing = report.get("timing")
    if timing:
        lines += ["", "=" * 20 + " When inspections come", *timing_sentences(timing)]
    if report.get("coverage"):
        rows = [[c["words"], years_text(c), c["first_public"] or "-",
                 f"{c['backtest_inspections']} of {c['backtest_pooled']}"] for c in report["coverage"]]
        lines += ["", "Which years each feature covers:",
                  *_table(["indicator", "years", "first public", "development tests with a value"], rows)]
    lines += ["", "Per origin (train: inspections published before the origin; test: the 12 months after):",
              "Development and held back:",
              *_origin_lines(development["origins"] + held["origins"], list(development["targets"]))]
    if slipping:
        lines += ["Slipping from good:",
                  *_origin_lines(slipping["development"]["origins"] + slipping["held_back"]["origins"],
                                 list(slipping["development"]["targets"]))]
    if "runtime_seconds" in report:
        lines += ["", f"Runtime {report['runtime_seconds']:.1f} s."]
    return "\n".join(lines) + "\n"


def _short(label: str) -> str:
    """"Baseline: previous judgement + IMD" -> "previous judgement + IMD"; "Gradient boosting, monotone: ..."
    -> "Gradient boosting"."""
    if label.startswith(("Baseline: ", "Reference: ")):
        return label.split(": ", 1)[1]
    return label.split(":")[0].split(",")[0]


def years_text(entry: dict) -> str:
    """The years a feature covers, as the publisher labels them ("2013-14 to 2024-25"; workforce:
    "September 2017 to 2024"); "none loaded" when it has none."""
    years = entry["years"]
    if not years:
        return "none loaded"
    september = entry.get("source") in ("csww", "csww_headline")

    def label(y: int) -> str:
        return str(y) if september else f"{y - 1}-{y % 100:02d}"

    gaps = [b for a, b in zip(years, years[1:], strict=False) if b != a + 1]
    span = label(years[0]) if len(years) == 1 else f"{label(years[0])} to {label(years[-1])}"
    if september:
        span = f"September {span}"
    return span + (" (with gaps)" if gaps else "")


def timing_sentences(timing: dict) -> list[str]:
    recent, everything = timing["since_catch_up"], timing["all"]
    out = []
    if recent["n"]:
        out.append(f"Of the {recent['n']} inspections due (three years after the last) from "
                   f"{timing['catch_up_end'][:4]}, {round(100 * recent['in_window'])}% began within six months of "
                   f"the due date (median {recent['median_months_from_due']:+.1f} months).")
    if everything["n"]:
        out.append(f"Over the whole history ({everything['n']} inspections, including the move to ILACS and the "
                   f"pandemic pause), {round(100 * everything['in_window'])}% did (median "
                   f"{everything['median_months_from_due']:+.1f} months).")
    return out


# --------------------------------------------------------------------------- figures for the pages


def _entry(entry: dict) -> dict:
    return {"estimate": entry["estimate"], "lower": entry["lower"], "upper": entry["upper"]}


def metric_rows(target: dict, primary: str | None) -> list[dict]:
    """One row per model of a block's target: name, label, primary (bool), and each metric's entry."""
    return [{"name": key, "label": m["label"], "primary": key == primary,
             "metrics": {metric: _entry(m[metric]) for metric in METRICS}}
            for key, m in target["models"].items()]


def accuracy_figures(report: dict) -> dict[str, dict]:
    """Per target of the development block: the figures a page or the command line states beside the
    scores. name, label, n, events, base_rate, origins (years); model (label) and model_name of the
    primary model, its auc and same_date_auc entries and every metric (`metrics`); rows (every model,
    `metric_rows`); best_baseline (previous judgement + IMD: label, auc, same_date_auc) or None; chance:
    the primary model's AUC interval, pooled or same-date, reaches 0.5; no_better: the interval of its
    same-date AUC minus the best baseline's reaches 0 (pooled AUC also rewards the level moving between
    years, so the comparison is made on the same date); held_back: the same target in the held-back
    block (n, events, origins, rows, auc, same_date_auc)."""
    out = {}
    primary = report["primary"]["model"]
    development, held = report["development"], report.get("held_back", {"targets": {}, "origins": []})
    for name, target in development["targets"].items():
        models = target["models"]
        chosen = models[primary]
        best = models.get(BEST_BASELINE)
        difference = target["differences"].get(f"{primary} - {BEST_BASELINE}", {}).get("same_date_auc")
        back = held["targets"].get(name)
        lowers = [chosen[m]["lower"] for m in ("auc", "same_date_auc") if chosen[m]["lower"] is not None]
        out[name] = {
            "name": name, "label": target["label"], "n": target["n"], "events": target["events"],
            "base_rate": target["base_rate"], "origins": _years(development["origins"]),
            "model": chosen["label"], "model_name": primary, "auc": _entry(chosen["auc"]),
            "same_date_auc": _entry(chosen["same_date_auc"]),
            "metrics": {metric: _entry(chosen[metric]) for metric in METRICS},
            "rows": metric_rows(target, primary),
            "baselines": [{"label": m["label"], "auc": _entry(m["auc"])} for key, m in models.items() if key != primary],
            "best_baseline": best and {"label": best["label"], "auc": _entry(best["auc"]),
                                       "same_date_auc": _entry(best["same_date_auc"])},
            "difference": difference and _entry(difference),
            "chance": any(lower <= 0.5 for lower in lowers),
            "no_better": difference is not None and difference["lower"] is not None and difference["lower"] <= 0,
            "held_back": back and {"n": back["n"], "events": back["events"], "origins": _years(held["origins"]),
                                   "rows": metric_rows(back, primary), "auc": _entry(back["models"][primary]["auc"]),
                                   "same_date_auc": _entry(back["models"][primary]["same_date_auc"])},
        }
    return out


def slipping_figures(report: dict) -> dict | None:
    """The slipping-from-good watchlist's figures, as `accuracy_figures` gives them for one target."""
    slipping = report.get("slipping")
    if not slipping:
        return None
    as_main = {"primary": slipping["primary"], "development": slipping["development"],
               "held_back": slipping["held_back"]}
    return accuracy_figures(as_main).get(BELOW_GOOD)


def coverage_rows(report: dict) -> list[dict]:
    """Which years each feature covers: words, years (as labelled), first_public, and how many of the
    development test inspections had a value."""
    return [{"words": c["words"], "years": years_text(c), "first_public": c["first_public"],
             "backtest_inspections": c["backtest_inspections"], "backtest_pooled": c["backtest_pooled"],
             "indicator_id": c["indicator_id"]} for c in report.get("coverage", [])]


# --------------------------------------------------------------------------- the accuracy caveats


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _interval(auc: dict) -> str:
    return "" if auc["lower"] is None else f" (95% interval {_f(auc['lower'])} to {_f(auc['upper'])})"


def _held_back_sentence(targets: dict[str, dict]) -> str | None:
    """"Held back ... and scored once: ..." for the targets with a held-back result."""
    parts, n, years = [], 0, ""
    for name, words in ((INADEQUATE, "inadequate"), (BELOW_GOOD, "below good")):
        figures = targets.get(name)
        if not figures or not figures["held_back"] or not figures["held_back"]["n"]:
            continue
        back = figures["held_back"]
        n, years = back["n"], back["origins"]
        parts.append(f"{_f(back['auc']['estimate'])}{_interval(back['auc'])} for {words} ({back['events']} "
                     f"judged {words})")
    if not parts:
        return None
    return (f"Held back from all of this and scored once, the {n} inspections published from 1 April "
            f"{years[:4]} give an AUC of {' and '.join(parts)}.")


def _both(figures: dict) -> str:
    auc, same = figures["auc"], figures["same_date_auc"]
    return (f"{_f(auc['estimate'])}{_interval(auc)}, {SCALE}, and {_f(same['estimate'])}{_interval(same)} "
            f"comparing only councils scored on the same date")


def accuracy_caveat(report: dict | None) -> list[str]:
    """What the model can and cannot do, in plain English sentences, from the backtest's own figures
    (`report`: a backtest report or its stored summary): the development results (pooled and same-date
    AUC), the comparison with previous judgement and deprivation on the same date, the top fifth, below
    good, the held-back result; ending with PROMPT. Without a backtest: NOT_TESTED and PROMPT."""
    if report is None:
        return [NOT_TESTED, PROMPT]
    targets = accuracy_figures(report)
    out = []
    bad, below = targets.get(INADEQUATE), targets.get(BELOW_GOOD)
    if bad:
        tested = f"tested on {bad['n']} past inspections ({bad['origins']})"
        if bad["chance"]:
            out.append(f"It cannot reliably pick out the councils that will be judged inadequate: {tested}, its "
                       f"accuracy (AUC) was {_both(bad)}.")
        else:
            out.append(f"{tested[:1].upper()}{tested[1:]}, its accuracy (AUC) for an inadequate judgement was "
                       f"{_both(bad)}.")
        if bad["best_baseline"]:
            base = bad["best_baseline"]["same_date_auc"]["estimate"]
            out.append(f"Compared on the same date, knowing only each council's previous judgement and its "
                       f"deprivation does {'about as well' if bad['no_better'] else 'less well'} (AUC {_f(base)}).")
        precision, lift = bad["metrics"]["top_fifth_precision"], bad["metrics"]["top_fifth_lift"]
        if precision["estimate"] is not None and lift["estimate"] is not None:
            out.append(f"Of the councils it placed in each year's top fifth, {round(100 * precision['estimate'])}% "
                       f"were judged inadequate: {lift['estimate']:.1f} times as many as a random fifth would "
                       f"hold (95% interval {_f(lift['lower'])} to {_f(lift['upper'])}).")
    if below:
        auc, same = below["auc"], below["same_date_auc"]
        better = bad is None or (same["estimate"] or 0) > (bad["same_date_auc"]["estimate"] or 0)
        text = (f"It {'does better at telling' if better else 'is no better at telling'} which councils will be "
                f"judged below good (AUC {_f(auc['estimate'])}"
                + ("" if auc["lower"] is None else f", 95% interval {_f(auc['lower'])} to {_f(auc['upper'])}")
                + f"; {_f(same['estimate'])} on the same date)")
        if below["best_baseline"] and below["no_better"]:
            text += (f", but almost all of that comes from the previous judgement and deprivation (AUC "
                     f"{_f(below['best_baseline']['same_date_auc']['estimate'])} on the same date with those alone)")
        out.append(text + ".")
    calibration = _calibration_sentence([bad, below])
    if calibration:
        out.append(calibration)
    held = _held_back_sentence(targets)
    if held:
        out.append(held)
    out.append(PROMPT)
    return out


def _calibration_sentence(figures: list[dict | None]) -> str | None:
    """"Its probabilities are too extreme ..." when the calibration slope's interval lies below 1 for a
    target (or "too timid" when above); None when they are consistent with 1."""
    extreme, timid = [], []
    for f in figures:
        if not f:
            continue
        slope = f["metrics"]["calibration_slope"]
        if slope["upper"] is not None and slope["upper"] < 1:
            extreme.append(f)
        elif slope["lower"] is not None and slope["lower"] > 1:
            timid.append(f)
    if not extreme and not timid:
        return None
    chosen = extreme or timid

    def which(f: dict) -> str:
        return f"{_f(f['metrics']['calibration_slope']['estimate'])} for " \
               f"{'inadequate' if f['name'] == INADEQUATE else 'below good'}"

    slopes = " and ".join(which(f) for f in chosen)
    if extreme:
        return (f"Its probabilities are too extreme: in past years, councils given a high probability had the "
                f"judgement less often than it said, and those given a low one more often (calibration slope "
                f"{slopes}, where 1 is right), so read the scores as an order to ask questions in, not as chances.")
    return (f"Its probabilities are too timid: the judgements were more spread out than it said (calibration "
            f"slope {slopes}, where 1 is right).")


def slipping_caveat(report: dict | None) -> list[str]:
    """What the slipping-from-good watchlist can and cannot do, from its own backtest, ending with PROMPT."""
    figures = None if report is None else slipping_figures(report)
    if figures is None:
        return [NOT_TESTED, PROMPT]
    tested = (f"tested on {figures['n']} past inspections of councils last judged good or outstanding "
              f"({figures['origins']}; {figures['events']} were judged below good)")
    if figures["chance"]:
        first = (f"It cannot reliably tell which councils judged good or outstanding will slip below good: "
                 f"{tested}, its accuracy (AUC) was {_both(figures)}.")
    else:
        first = (f"{tested[:1].upper()}{tested[1:]}, it told apart the councils that slipped below good with an "
                 f"accuracy (AUC) of {_both(figures)}.")
    out = [first]
    if figures["best_baseline"]:
        base = figures["best_baseline"]["same_date_auc"]["estimate"]
        uncertain = (", and whether the model does better than those alone is uncertain" if figures["no_better"]
                     else "")
        out.append(f"Their previous judgement and deprivation alone give an AUC of {_f(base)} on the same date: "
                   f"what the model adds comes from the workforce figures (vacancy, agency, turnover, caseload). "
                   f"So few inspections make the intervals wide{uncertain}.")
    calibration = _calibration_sentence([figures])
    if calibration:
        out.append(calibration)
    held = _held_back_sentence({BELOW_GOOD: figures})
    if held:
        out.append(held)
    out.append(PROMPT)
    return out


# --------------------------------------------------------------------------- exports

COLUMN_NOTES = {
    "la_code": "the council's ONS code",
    "la_name": "the council",
    "p_inadequate": "probability that its next graded inspection judges it inadequate (0 to 1)",
    "p_below_good": "probability that its next graded inspection judges it requires improvement or inadequate "
                    "(0 to 1)",
    "last_judgement": "its last overall judgement published before the date (a reorganised council's "
                      "predecessor's, marked 'as ...', until it has its own)",
    "last_judgement_date": "when that judgement was published",
    "drivers": "up to three published figures or facts that push the probability up, largest first, each "
               "saying why, separated by '; ' (empty: nothing stands out as raising it)",
    "next_inspection_due": "when its next full inspection is due under the framework's cycle, from the date its "
                           "last inspection began (after an inadequate judgement there is no fixed date: see below)",
}
TITLES = {"risk": "Early warning: each council's probability of an inadequate, and a below-good, judgement at its "
                  "next Ofsted inspection",
          "slipping": "Slipping from good: councils judged good or outstanding, by their probability of a "
                      "below-good judgement at their next Ofsted inspection"}


def export_note(kind: str, table, report: dict | None) -> str:
    """The note that goes with an exported table (`kind` "risk" or "slipping"; `table`: `risk.score` or
    `risk.watchlist`'s, whose attrs give the date and model): what it is, the same caveat the pages and the
    command line state, what each column means and how the inspection dates are worked out."""
    from .inspection_timing import CYCLES

    caveat = accuracy_caveat(report) if kind == "risk" else slipping_caveat(report)
    attrs = getattr(table, "attrs", {})
    lines = [TITLES[kind], "",
             f"Scored with what was published before {attrs.get('as_of', '?')}, by the model the backtest chose "
             f"({attrs.get('label', attrs.get('model', '?'))})."]
    if report is not None:
        lines.append(f"Backtest: protocol {report.get('protocol', {}).get('fingerprint', '?')}, "
                     f"{report.get('settings', {}).get('n_boot', '?')} bootstrap resamples.")
    lines += ["", f"{CAVEAT_TITLE}:", *(f"  {sentence}" for sentence in caveat), "", "Columns:"]
    columns = [c for c in table.columns if c in COLUMN_NOTES] if hasattr(table, "columns") else list(COLUMN_NOTES)
    lines += [f"  {column}: {COLUMN_NOTES[column]}" for column in columns]
    rules = sorted({f"{grade}: {cycle.basis}" for grade, cycle in CYCLES.items() if grade != "adequate"})
    lines += ["", "The inspection cycle, by last judgement:", *(f"  {rule}" for rule in rules)]
    if len(table) and "data_to" in table.columns:
        first = table.iloc[0]
        known = first.get("visits_known_from")
        lines += ["", f"Ofsted's published inspections here run to {first['data_to']}: an inspection published "
                      f"after that does not show."
                  + (f" Focused and monitoring visits are known from {known} only." if known else "")]
    return "\n".join(lines) + "\n"


__all__ = [
    "CAVEAT_TITLE", "COLUMN_NOTES", "export_note", "METRIC_GROUPS", "NOT_TESTED", "PROMPT", "SHORT", "accuracy_caveat", "accuracy_figures",
    "coverage_rows", "format_backtest", "metric_rows", "slipping_caveat", "slipping_figures", "timing_sentences",
    "years_text",
]
