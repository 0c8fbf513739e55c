"""Shared ending of tierguard's test scripts: print every failure and the one closing line CI
reads ("NAME: N passed, N failed"); return the exit code."""


def report(name, failures, detail=""):
    for f in failures:
        print("FAIL:", f)
    suffix = f" ({detail})" if detail else ""
    print(f"{name}: {0 if failures else 1} passed, {1 if failures else 0} failed{suffix}")
    return 1 if failures else 0
