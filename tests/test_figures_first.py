"""Figures a reader looks for first: the key-facts box always carries the latest contact and the newest
trade volume, whatever the summary says; figures are not chronology events. Built from news texts."""

from __future__ import annotations

import shutil
from pathlib import Path

NEWS = Path(__file__).parent / "news"
CASES = Path(__file__).parent / "cases"

PTI_VOLUME = "Bilateral trade between the two countries stood at about US$250 million in 2025, according to official figures."
MOFA_DAYS = "paid a state visit to the Islamic Republic of Pakistan on 3-4 February 2026"
MOFA_GOAL = "The Sides agreed to raise the volume of bilateral trade to US$1 billion."
MOFA_DONE = "Done in Islamabad on 4 February 2026, in two original copies in the English, Kazakh and Urdu languages."

BRIEF = f"""id: pk-kz
title: Test
subject: Test
countries: [PK, KZ]
summary:
  - id: sum-visit
    text: "The President of Kazakhstan paid a state visit to Pakistan on 3-4 February 2026; trade stood at about US$250 million in 2025."
    sources:
      - source: mofa
        quote: "{MOFA_DAYS}"
      - source: pti
        quote: "{PTI_VOLUME}"
diplomacy:
  meetings:
    - id: visit
      date: "2026-02-03/2026-02-04"
      place: Islamabad
      occasion: state visit
      text: "The President of Kazakhstan paid a state visit to Pakistan on 3-4 February 2026."
      sources:
        - source: mofa
          quote: "{MOFA_DAYS}"
        - source: mofa
          quote: "{MOFA_DONE}"
economy:
  volumes:
    - id: vol-2025
      value: 250
      currency: USD
      unit: million
      date: "2025"
      text: "Bilateral trade stood at about US$250 million in 2025."
      sources:
        - source: pti
          quote: "{PTI_VOLUME}"
  goals:
    - id: goal-1bn
      high: 1
      currency: USD
      unit: billion
      date: "2026-02-04"
      text: "On 4 February 2026 the two sides agreed to raise bilateral trade to US$1 billion."
      sources:
        - source: mofa
          quote: "{MOFA_GOAL}"
        - source: mofa
          quote: "{MOFA_DONE}"
"""


def test_key_facts_keep_the_latest_contact_and_volume_and_the_chronology_has_no_figures(tmp_path, run_cli):
    ws = tmp_path / "ws"
    shutil.copytree(CASES / "valid-minimal", ws)
    for name in ("pti-tokayev-talks.txt", "mofa-joint-declaration.txt"):
        shutil.copy(NEWS / name, ws / "seeds" / name)
    (ws / "data" / "sources.yaml").write_text("""sources:
  - id: pti
    label: "PTI report"
    type: news
    kind: news report
    publisher: PTI
    date: "2026-02-04"
    file: seeds/pti-tokayev-talks.txt
  - id: mofa
    label: "Joint Declaration"
    type: official
    kind: joint declaration
    date: "2026-02-04"
    file: seeds/mofa-joint-declaration.txt
""", encoding="utf-8")
    (ws / "data" / "briefs" / "pk-kz.yaml").write_text(BRIEF, encoding="utf-8")
    code, _, err = run_cli("build", "--workspace", str(ws), "--format", "briefgen-md", "--out", str(tmp_path / "out"),
                           "--as-of", "2026-03-01")
    assert code == 0, err
    md = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    box = md.split("::: keyfacts", 1)[1].split(":::", 1)[0]
    # Seen: the box dropped both because the summary also told them
    assert "**Last high-level contact recorded:** 3–4 February 2026, Islamabad (state visit)" in box
    assert "**Trade volume (2025):** US$250 million" in box
    chronology = md.split("# Chronology", 1)[1].split("\n# ", 1)[0]
    # Seen: the trade volume listed as an event; a goal's date shown twice in its row
    assert "250 million" not in chronology and "1 billion" not in chronology
    assert "| 3–4 February 2026 | The President of Kazakhstan paid a state visit" in chronology
