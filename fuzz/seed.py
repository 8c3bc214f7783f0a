#!/usr/bin/env python3
"""Seeds the fuzz corpora from ../shared/conformance/html5lib-inputs.json and ../shared/corpus (run from fuzz/)."""
import json, os, pathlib

root = pathlib.Path(__file__).resolve().parent
shared = root.parent.parent / "shared"
inputs = [s.encode("utf-8") for s in json.loads((shared / "conformance/html5lib-inputs.json").read_text())]
for page in sorted((shared / "corpus").glob("*/*")):
    data = page.read_bytes()
    if len(data) <= 64 * 1024:
        inputs.append(data)
for target, prefix in [("convert", b"\x00"), ("stream", b"\x03\x20\x80\xe0")]:
    out = root / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(inputs):
        (out / f"seed-{i:05}").write_bytes(prefix + data)
print(f"{len(inputs)} seeds per target")
