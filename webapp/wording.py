"""Words shared by several pages and answers, in one place (where a later UI language plugs in)."""

DISCLAIMER = (
    "Educational use only, not a diagnosis. This checklist does not replace clinical judgement or specialist care."
)
