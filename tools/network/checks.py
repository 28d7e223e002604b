"""What the end-to-end test scripts share: named checks that print ok/FAILED
and are counted, so a script reports every failure, not only the first."""

failures = []


def check(name, condition, detail=""):
    print(("ok: " if condition else "FAILED: ") + name + ("" if condition else f" -- {detail}"), flush=True)
    if not condition:
        failures.append(name)
    return condition
