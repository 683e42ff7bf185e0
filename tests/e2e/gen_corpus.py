#!/usr/bin/env python3
"""Deterministic synthetic news corpora for the reindexing tests.

usage: gen_corpus.py VERSION N OUT.jsonl
VERSION "a" is the base; "b" is the next night's crawl of the same site:
documents 0..N-1 of "a" where every 10th is edited, every 15th is gone, and
N/10 new documents are appended.  Words come from a fixed vocabulary in
English and Russian so that terms span many postings blocks.
"""
import json
import random
import sys

EN = ("ai model hospital patient clinical trial imaging radiology sepsis cancer screening "
      "diagnosis algorithm data privacy regulator approval device wearable heart rhythm "
      "genomics drug discovery chatbot triage nurse doctor rural clinic telemedicine study "
      "accuracy sensitivity specificity dataset training bias audit deployment pilot").split()
RU = ("нейросеть больница пациент врач диагностика алгоритм данные исследование модель "
      "скрининг рак снимок телемедицина регион минздрав система точность обучение").split()


def doc(i, version):
    r = random.Random(i * 7919 + (1 if version == "b" and i % 10 == 0 else 0))
    words = EN if i % 3 else RU
    n = r.randint(30, 120)
    text = " ".join(r.choice(words) for _ in range(n)) + f" item{i}"
    title = " ".join(r.choice(words) for _ in range(6))
    return {"id": f"doc-{i}", "lang": "en" if i % 3 else "ru", "title": title, "text": text,
            "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "source": "synthetic.example"}


def main():
    version, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            if version == "b" and i % 15 == 0:
                continue
            f.write(json.dumps(doc(i, version), ensure_ascii=False) + "\n")
        if version == "b":
            for i in range(n, n + n // 10):
                f.write(json.dumps(doc(i, version), ensure_ascii=False) + "\n")


main()
