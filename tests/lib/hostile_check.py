#!/usr/bin/env python3
"""Checks a run against a misbehaving device with the guarantees of the
robustness suite, given a run against the same device behaving normally:

  * cases on the other ports have exactly the baseline verdicts;
  * on the misbehaving port (and for the device-wide cases) a verdict is the
    baseline's, or INCONCLUSIVE/ERROR with a reason that says something:
    never a PASS the baseline did not give, never a new FAIL;
  * an instance of the baseline may only be missing on the misbehaving port,
    and only when discovery lists that port as unidentified;
  * an instance the baseline did not have is INCONCLUSIVE or ERROR.

usage: hostile_check.py BASE.xml RUN.xml TRANSPORT/PORT
Prints one line per affected instance ("~ ID VERDICT: REASON") and one per
violation ("! ..."); exits 1 on any violation."""
import sys
import xml.etree.ElementTree as ET

NS = "{urn:iotcert:report:1}"
SOFT = ("INCONCLUSIVE", "ERROR")


def load(path):
    root = ET.parse(path).getroot()
    cases = {}
    for tc in root.iter(NS + "testcase"):
        reason = " ".join((tc.findtext(NS + "reason") or "").split())
        cases[tc.get("id")] = (tc.get("verdict"), reason)
    unknown = set()
    for inv in root.iter(NS + "inventory"):
        for s in inv.findall(NS + "service"):
            if s.get("protocol") == "unknown":
                unknown.add("%s/%s" % (s.get("transport"), s.get("port")))
    return cases, unknown


def main(base_path, run_path, port):
    base, _ = load(base_path)
    run, unknown = load(run_path)
    bad = []
    suffix = "@" + port

    def on_port(inst):
        return inst.endswith(suffix) or suffix + "@" in inst

    def soft_ok(inst, v, why):
        if v not in SOFT:
            bad.append("%s: %s where the device behaving gave %s" %
                       (inst, v, base.get(inst, ("none",))[0]))
        elif len(why) < 12 or why == "every expectation held":
            bad.append("%s: %s without a precise reason (%r)" % (inst, v, why))
        else:
            print("~ %s %s: %s" % (inst, v, why[:200]))

    for inst, (bv, _) in sorted(base.items()):
        if inst not in run:
            if not (on_port(inst) and port in unknown):
                bad.append("%s: missing (baseline %s)" % (inst, bv))
            else:
                print("- %s not instantiated: %s did not identify itself" % (inst, port))
            continue
        v, why = run[inst]
        if v == bv:
            continue
        if "@" in inst and not on_port(inst):
            bad.append("%s: %s, baseline %s, on a port that behaved" % (inst, v, bv))
            continue
        soft_ok(inst, v, why)
    for inst, (v, why) in sorted(run.items()):
        if inst not in base:
            soft_ok(inst, v, why)
    for b in bad:
        print("! " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
