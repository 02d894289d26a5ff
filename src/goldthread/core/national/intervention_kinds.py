"""The intervention register's vocabulary: the kinds of intervention and the models they put a council in.

Kept apart from goldthread.core.national.interventions (which reads and analyses the register with pandas)
so that the database models can import it without loading pandas.
"""

# The controlled vocabulary: the `kind` column's accepted values, with plain-English labels.
KINDS: dict[str, str] = {
    "statutory_direction": "Statutory direction (s497A Education Act 1996)",
    "commissioner": "DfE-appointed children's services commissioner",
    "trust": "Children's services trust or other alternative delivery model",
    "improvement_notice": "DfE improvement notice (non-statutory)",
    "dfe_adviser": "DfE-appointed improvement adviser",
    "improvement_board": "Improvement board",
}

# Intervention models, strongest first: the labels transitions() reports.
STATUTORY_MODEL = "commissioner / trust (statutory direction)"
NOTICE_MODEL = "improvement notice only"
ADVISER_MODEL = "adviser / improvement board only"
NO_INTERVENTION = "no recorded intervention"
MODELS = (STATUTORY_MODEL, NOTICE_MODEL, ADVISER_MODEL, NO_INTERVENTION)
