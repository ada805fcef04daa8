"""Which type and which gene: a ranked, explained differential over every dense-bone disorder (pure).

Every entry HPO annotates with increased bone density or a term below it (the osteopetroses named in
rules/knowledge/entries.toml, rules/data/osteopetrosis_diseases.json; every other such disorder,
rules/data/dense_bone_diseases.json) is scored against the whole input, after LIRICAL (Robinson PN et
al. Interpretable clinical genomics with a likelihood ratio paradigm. Am J Hum Genet 2020;107:403-417,
PMID 32755546; method as in its PhenotypeLikelihoodRatio class): each entered term gives one likelihood
ratio per entry, LR = P(term | entry) / P(term | any disease), the entry's frequency over the background
frequency of the term among all diseases of phenotype.hpoa (rules/data/differential_hpo.json,
scripts/build_differential_hpo.py). An entry's post-test probability is its prior (a cited birth
incidence, else a stated default) times its ratios, the findings' tempered for their dependence,
normalised over every entry. What differs from LIRICAL is named where it is done (model.py, with why;
docs/differential.md gathers it): priors, the temperature, weak annotations tempered, ratios bounded,
a missing term weighed by the entry's completeness, indirect matches weak, unstated frequencies, cohort
counts smoothed, and onset and family history, which LIRICAL does not use.

A checklist finding is matched as the class of its anchors (each anchor with its descendants, as the
checklist counts it); any other HPO term entered is matched as itself. Deterministic, no I/O beyond
reading the committed data once per process. Educational: a ranking of annotation matches, not a
diagnosis.
"""

from .columns import Column
from .columns import Item
from .columns import load_model
from .columns import prepare
from .model import COHORT_PSEUDOCOUNT
from .model import FALSE_NEGATIVE_P
from .model import FAMILY_FIT
from .model import MATCH_WORDS
from .model import NO_MATCH_LR
from .model import NOT_PRESENT_LR
from .model import UNSTATED_FREQUENCY
from .model import Annotation
from .model import Entry
from .model import Evidence
from .model import Fit
from .model import GeneShare
from .model import Lookalike
from .model import Model
from .model import Ranked
from .model import Ranking
from .model import Separating
from .model import Term
from .model import frequency_p
from .model import lookalikes
from .model import model_from_data
from .model import ranked_as
from .ranking import CONFIDENT_P
from .ranking import DISAGREEMENT_SOURCE
from .ranking import disagreement
from .ranking import fit_of
from .ranking import rank
from .separating import MAX_SEPARATING
from .separating import MIN_GAIN_BITS
from .separating import SEPARATE_TOP
from .separating import Presence
from .separating import presence_table
from .separating import separating_checks

__all__ = [
    "CONFIDENT_P",
    "COHORT_PSEUDOCOUNT",
    "DISAGREEMENT_SOURCE",
    "FALSE_NEGATIVE_P",
    "FAMILY_FIT",
    "MATCH_WORDS",
    "MAX_SEPARATING",
    "MIN_GAIN_BITS",
    "NOT_PRESENT_LR",
    "NO_MATCH_LR",
    "SEPARATE_TOP",
    "UNSTATED_FREQUENCY",
    "Annotation",
    "Entry",
    "Evidence",
    "Fit",
    "GeneShare",
    "Lookalike",
    "Model",
    "Presence",
    "Ranked",
    "Ranking",
    "Separating",
    "Term",
    "disagreement",
    "fit_of",
    "frequency_p",
    "Column",
    "Item",
    "load_model",
    "prepare",
    "lookalikes",
    "ranked_as",
    "model_from_data",
    "presence_table",
    "rank",
    "separating_checks",
]
