"""Build the shipped ESCO skill file from the flattened ESCO export in tools/data/esco/ (attribution in its README.md).

The source has one text field per skill: the preferred label, then the
alternative labels, then the description, all joined by spaces. The labels are
not delimited, so this script recovers them heuristically (see
docs/taxonomy.md, "ESCO data"):

1. The description starts at the first capitalised word whose lower-case form
   is a common word of the corpus (so proper nouns such as "Microsoft" or
   "Earth's" inside a label do not end the label part).
2. The label part is cut into labels before each frequent ESCO label verb
   ("manage", "perform", "administer", ...) and before each repetition of the
   skill's first word, never leaving a one-word label, never after a linking
   word ("of", "in", "to", ...) and never before "of" ("use of drugs").
   The first piece is taken as the preferred label.

Output (gzip CSV, columns uri, preferred_label, alt_labels, description):
alt_labels are joined with " | "; the description is cut to its first
sentence and at most 160 characters.

Usage, from the repository root:

    python -m tools.build_esco_skills tools/data/esco/skills_en.csv.gz tillid/competence/taxonomy/data/esco_skills.csv.gz
"""

from __future__ import annotations

import collections
import csv
import gzip
import io
import re
import sys

# Label verbs that are also common nouns in labels ("infection control",
# "blood test"): never treated as the start of a new label.
AMBIGUOUS_STARTERS = {
    "control", "test", "work", "set", "plan", "report", "support", "check", "design",
    "types", "care", "process", "record", "schedule", "service", "train",
    "document", "handle", "study", "practice", "practise", "research", "safety",
    "sales", "finance", "market", "cost", "programme", "project", "quality",
    "risk", "data", "health", "nursing", "make",
}
# A label never ends in one of these, so no new label starts right after them.
LINKING_WORDS = {"a", "an", "the", "of", "in", "to", "for", "and", "or", "with", "on",
                 "about", "from", "by", "at", "as", "into", "regarding"}
MIN_STARTER_COUNT = 12
MIN_COMMON_WORD_COUNT = 20
MAX_DESCRIPTION = 160


def read_rows(path: str) -> list[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(uri, text) for uri, text in reader]


def word_counts(rows: list[tuple[str, str]]) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for _, text in rows:
        counts.update(word for word in text.split() if word.islower())
    return counts


def looks_like_verb(word: str, common: collections.Counter) -> bool:
    """A word with an -ing form in the corpus ("manage" -> "managing") is taken as a verb."""
    stems = {word, word[:-1]} if word.endswith("e") else {word, word + word[-1]}
    return any(common[stem + "ing"] > 0 for stem in stems)


def starter_words(rows: list[tuple[str, str]], common: collections.Counter) -> set[str]:
    first = collections.Counter(text.split()[0] for _, text in rows if text.split())
    return {w for w, n in first.items() if n >= MIN_STARTER_COUNT and w.isalpha()
            and w.islower() and w not in AMBIGUOUS_STARTERS and looks_like_verb(w, common)}


def split_description(text: str, common: collections.Counter) -> tuple[str, str]:
    words = text.split(" ")
    for i, word in enumerate(words[1:], start=1):
        if word[:1].isupper() and not (len(word) > 1 and word.isupper()):
            lower = word.lower()
            if common[lower] >= MIN_COMMON_WORD_COUNT:
                return " ".join(words[:i]), " ".join(words[i:])
    return text, ""


def split_labels(label_part: str, starters: set[str]) -> list[str]:
    words = label_part.split()
    first = words[0] if words and words[0].isalpha() and words[0].islower() else None
    labels: list[list[str]] = [[]]
    for i, word in enumerate(words):
        next_word = words[i + 1] if i + 1 < len(words) else ""
        starts_label = word == first or (word in starters and next_word != "of")
        if starts_label and len(labels[-1]) >= 2 and labels[-1][-1] not in LINKING_WORDS:
            labels.append([])
        labels[-1].append(word)
    seen: list[str] = []
    for words in labels:
        label = " ".join(words)
        if label and label not in seen:
            seen.append(label)
    return seen


def first_sentence(description: str) -> str:
    match = re.search(r"(?<=[.!?])\s", description)
    sentence = description[: match.start()] if match else description
    if len(sentence) > MAX_DESCRIPTION:
        sentence = sentence[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def main(argv: list[str]) -> int:
    source, out = argv
    rows = read_rows(source)
    common = word_counts(rows)
    starters = starter_words(rows, common)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["uri", "preferred_label", "alt_labels", "description"])
    for uri, text in sorted(rows):
        label_part, description = split_description(text, common)
        labels = split_labels(label_part, starters)
        if not labels:
            continue
        writer.writerow([uri, labels[0], " | ".join(labels[1:]), first_sentence(description)])
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    print(f"{len(rows)} skills written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
