"""A seeded, deterministic demo organisation as event envelopes (`tillid demo-data`).

``generate_events(seed, scale)`` yields plain dicts, one envelope per event, in an
order that mostly announces referents first; nothing is held beyond one workplace's
staff, so any scale streams in bounded memory. The planted truth about learning
effects is ``PLANTED_EFFECT`` (by provider) and ``PLANTED_KIND_FACTOR`` (by kind).

May import (as all of ``tillid.competence``): ``tillid.errors``. Pure.
"""

from tillid.competence.demo.catalogue import PLANTED_EFFECT, PLANTED_KIND_FACTOR, planted_probability
from tillid.competence.demo.generator import generate_events, validate_scale

__all__ = ["PLANTED_EFFECT", "PLANTED_KIND_FACTOR", "generate_events", "planted_probability", "validate_scale"]
