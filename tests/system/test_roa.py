# SPDX-License-Identifier: MIT
"""anyns roa: RPKI route origin validation (RFC 6811) of announced prefixes.

Every VRP export in tests/system/vrps/ holds the same five VRPs in another
format (rpki-client JSON and CSV, Routinator JSON and CSV):

    AS65001  203.0.113.0/24     maxLength 24  ripe
    AS65002  198.51.100.0/22    maxLength 24  arin
    AS0      192.0.2.0/24       maxLength 24  apnic
    AS65001  2001:db8::/32      maxLength 48  ripe
    AS65003  2001:db8:100::/40  maxLength 40  ripe

so one table of announcements must give the same answer against each.
"""
import json
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ANYNS

VRPS = Path(__file__).resolve().parent / "vrps"
FORMATS = ["rpki-client.json", "routinator.json", "rpki-client.csv",
           "routinator.csv"]


def roa(*args, timeout=60):
    return subprocess.run([str(ANYNS), "roa", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def first_word(out):
    return out.split(None, 1)[0] if out.strip() else ""


# (prefix, origin, state, exit code, words the explanation must contain)
CASES = [
    ("203.0.113.0/24", "65001", "valid", 0, ["matches"]),
    ("203.0.113.0/24", "AS65001", "valid", 0, ["matches"]),
    ("203.0.113.0/25", "AS65001", "invalid", 1, ["exceeds maxLength 24"]),
    ("203.0.113.0/24", "AS65099", "invalid", 1, ["origin mismatch"]),
    ("203.0.112.0/23", "AS65001", "not-found", 1, ["no VRP covers"]),
    ("198.51.101.0/24", "AS65002", "valid", 0, ["198.51.100.0/22"]),
    ("198.51.101.0/25", "AS65002", "invalid", 1, ["exceeds maxLength 24"]),
    ("192.0.2.0/24", "AS0", "invalid", 1, ["AS0 VRP never validates"]),
    ("192.0.2.0/24", "AS65001", "invalid", 1, ["AS0 VRP never validates"]),
    ("10.0.0.0/8", "AS65001", "not-found", 1, []),
    ("2001:db8:1::/48", "AS65001", "valid", 0, ["2001:db8::/32"]),
    ("2001:db8:1::/56", "AS65001", "invalid", 1, ["exceeds maxLength 48"]),
    ("2001:db8:100::/40", "AS65003", "valid", 0, ["origin mismatch", "matches"]),
    ("2001:db8:100::/40", "AS65004", "invalid", 1, ["origin mismatch"]),
    ("2001:db9::/32", "AS65001", "not-found", 1, []),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("prefix,origin,state,code,words", CASES)
def test_validation_table(fmt, prefix, origin, state, code, words):
    r = roa("--vrps", VRPS / fmt, "--prefix", prefix, "--origin", origin)
    assert r.returncode == code, r.stderr
    assert first_word(r.stdout) == state, r.stdout
    assert prefix in r.stdout.splitlines()[0]
    for w in words:
        assert w in r.stdout
    assert r.stderr == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_loose_maxlength_warns(fmt):
    # RFC 9319: the /32 ROA allows up to /48, so announcing the /32 leaves
    # every /33../48 open to a forged-origin hijack.
    r = roa("--vrps", VRPS / fmt, "--prefix", "2001:db8::/32", "--origin", "65001")
    assert r.returncode == 0
    assert first_word(r.stdout) == "valid"
    warnings = [l for l in r.stdout.splitlines() if l.startswith("warning:")]
    assert len(warnings) == 1 and "RFC 9319" in warnings[0], r.stdout
    exact = roa("--vrps", VRPS / fmt, "--prefix", "2001:db8:1::/48",
                "--origin", "65001")
    assert "warning:" not in exact.stdout


def test_json_output():
    r = roa("--vrps", VRPS / "rpki-client.json", "--prefix", "203.0.113.0/24",
            "--origin", "AS65001", "--json")
    assert r.returncode == 0
    doc = json.loads(r.stdout)
    [res] = doc["results"]
    assert res["prefix"] == "203.0.113.0/24"
    assert res["origin"] == 65001
    assert res["state"] == "valid"
    assert res["warnings"] == []
    [cov] = res["covering"]
    assert {k: cov[k] for k in ("asn", "prefix", "maxLength", "ta")} == {
        "asn": 65001, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "ripe"}

    r = roa("--vrps", VRPS / "routinator.json", "--prefix", "2001:db8::/32",
            "--origin", "65001", "--json")
    res = json.loads(r.stdout)["results"][0]
    assert res["state"] == "valid" and len(res["warnings"]) == 1

    r = roa("--vrps", VRPS / "rpki-client.csv", "--prefix", "192.0.2.0/24",
            "--origin", "65001", "--json")
    assert r.returncode == 1
    res = json.loads(r.stdout)["results"][0]
    assert res["state"] == "invalid"
    assert res["covering"][0]["asn"] == 0 and res["covering"][0]["match"] is False


HEALTHD = ANYNS.parent / "anyns-healthd"

# The rest of a file anyns-healthd accepts: -c reads the whole healthd
# configuration with healthd's own loader, not only its announce section.
PROBE = "probe:\n  - { id: dns, type: dns, name: example.com }\n"


def write_config(tmp_path, body):
    p = tmp_path / "healthd.yaml"
    p.write_text(body)
    return p


def test_config_all_valid(tmp_path):
    cfg = write_config(tmp_path, """
healthd: { identity: fra1 }
announce:
  asn: 65001
  prefixes: [ "203.0.113.0/24", "2001:db8::/48" ]
""" + PROBE)
    r = roa("--vrps", VRPS / "rpki-client.json", "-c", cfg)
    assert r.returncode == 0, r.stdout + r.stderr
    states = [l.split()[0] for l in r.stdout.splitlines() if not l.startswith((" ", "warning:"))]
    assert states == ["valid", "valid"]


def test_config_one_invalid_fails(tmp_path):
    cfg = write_config(tmp_path, """
announce: { asn: 65001, prefixes: [ "203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "10.0.0.0/8" ] }
""" + PROBE)
    r = roa("--vrps", VRPS / "rpki-client.csv", "-c", cfg, "--json")
    assert r.returncode == 1
    states = [x["state"] for x in json.loads(r.stdout)["results"]]
    assert states == ["valid", "invalid", "invalid", "not-found"]


def test_config_is_the_healthd_example(tmp_path):
    # The example anyns-healthd configuration the README points at.
    example = Path(__file__).resolve().parents[2] / "examples" / "healthd.yaml"
    r = roa("--vrps", VRPS / "rpki-client.json", "-c", example)
    assert r.returncode in (0, 1), r.stderr
    assert r.stderr == "" and r.stdout


# (file, the message after "FILE:"): every file anyns-healthd refuses, roa
# refuses with the same message, the line included.
BAD_CONFIGS = [
    ("healthd: {}\n" + PROBE, "1: announce: missing (required)"),
    ("announce:\n  prefixes: [ \"203.0.113.0/24\" ]\n" + PROBE,
     "1: announce.asn: missing (required)"),
    ("announce:\n  asn: AS65001\n  prefixes: [ \"203.0.113.0/24\" ]\n" + PROBE,
     "2: announce.asn: expected an integer 1..4294967295, got 'AS65001'"),
    ("announce:\n  asn: 65001\n  prefixes: [ \"203.0.113.0/24\" ]\n  color: red\n" + PROBE,
     "4: announce.color: unknown option"),
    ("announce:\n  asn: 65001\n  prefixes: \"203.0.113.0/24\"\n" + PROBE,
     "3: announce.prefixes: expected a list of strings"),
    ("announce:\n  asn: 65001\n  prefixes: [ \"203.0.113.1/24\" ]\n" + PROBE,
     "1: announce.prefixes: expected a prefix such as 203.0.113.0/24 (host bits zero), "
     "got '203.0.113.1/24'"),
    ("announce:\n  asn: 65001\n  prefixes: [ ]\n" + PROBE, "1: announce.prefixes: empty list"),
    ("announce: { asn: 65001, prefixes: [ \"203.0.113.0/24\" ]\n", "2: YAML: "),
    # Errors outside announce are errors too: healthd would not start.
    ("announce: { asn: 65001, prefixes: [ \"203.0.113.0/24\" ] }\n",
     "1: probe: missing (at least one probe is required"),
    ("announce: { asn: 65001, prefixes: [ \"203.0.113.0/24\" ] }\n" + PROBE +
     "policy:\n  rise: 0\n", "5: policy.rise: expected an integer 1..100, got '0'"),
    ("server: { identity: fra1 }\n" + PROBE, "1: server: unknown section"),
]


@pytest.mark.parametrize("body,where", BAD_CONFIGS)
def test_config_errors_are_healthds(tmp_path, body, where):
    cfg = write_config(tmp_path, body)
    r = roa("--vrps", VRPS / "rpki-client.json", "-c", cfg)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("anyns roa: %s:%s" % (cfg, where)), r.stderr
    hd = subprocess.run([str(HEALTHD), "-c", str(cfg), "-C"], capture_output=True,
                        text=True, timeout=10)
    assert hd.returncode == 1
    assert hd.stderr.removeprefix("anyns-healthd: ") == r.stderr.removeprefix("anyns roa: ")


def test_config_unreadable(tmp_path):
    r = roa("--vrps", VRPS / "rpki-client.json", "-c", tmp_path / "missing.yaml")
    assert r.returncode == 2
    assert "missing.yaml: cannot open" in r.stderr, r.stderr


@pytest.mark.parametrize("name,where", [
    ("truncated.json", "truncated.json:4: column 38: expected a closing"),
    ("bad-header.csv", "bad-header.csv:1:"),
    ("bad-prefix.csv", "bad-prefix.csv:3:"),
    ("bad-prefix.json", "bad-prefix.json:3:"),
])
def test_broken_vrp_files(name, where):
    r = roa("--vrps", VRPS / name, "--prefix", "203.0.113.0/24", "--origin", "65001")
    assert r.returncode == 2
    assert where in r.stderr, r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("args,message", [
    ([], "--vrps"),
    (["--vrps", VRPS / "rpki-client.json"], "--prefix"),
    (["--vrps", VRPS / "rpki-client.json", "--prefix", "203.0.113.0/24"], "--origin"),
    (["--vrps", VRPS / "rpki-client.json", "--prefix", "203.0.113.1/24",
      "--origin", "65001"], "host bits"),
    (["--vrps", VRPS / "rpki-client.json", "--prefix", "203.0.113.0",
      "--origin", "65001"], "prefix"),
    (["--vrps", VRPS / "rpki-client.json", "--prefix", "203.0.113.0/24",
      "--origin", "AS65001x"], "--origin"),
    (["--vrps", VRPS / "missing.json", "--prefix", "203.0.113.0/24",
      "--origin", "65001"], "missing.json"),
    (["--vrps", VRPS / "rpki-client.json", "-c", "x.yaml", "--origin", "1"], "-c"),
    (["--bogus"], "usage"),
])
def test_usage_errors(args, message):
    r = roa(*args)
    assert r.returncode == 2
    assert message in r.stderr, r.stderr


def test_large_vrp_file(tmp_path):
    # 500,000 VRPs in rpki-client JSON: the load must not be quadratic. No
    # timing assertion (the machine is shared); the time is printed.
    n = 500_000
    path = tmp_path / "big.json"
    with path.open("w") as f:
        f.write('{"metadata":{"vrps":%d},"roas":[\n' % n)
        rows = []
        for i in range(n):
            if i % 2:
                p = "%d.%d.%d.0/24" % (11 + (i >> 16), i >> 8 & 255, i & 255)
            else:
                p = "2001:db8:%x:%x::/64" % (i >> 16, i & 0xFFFF)
            rows.append('{"asn":%d,"prefix":"%s","maxLength":%d,"ta":"ta%d"}'
                        % (64512 + i % 1000, p, 24 if i % 2 else 64, i % 5))
        f.write(",\n".join(rows))
        f.write("\n]}\n")
    i = 12345   # odd: an IPv4 row
    p = "%d.%d.%d.0/24" % (11 + (i >> 16), i >> 8 & 255, i & 255)
    start = time.monotonic()
    r = roa("--vrps", path, "--prefix", p, "--origin", 64512 + i % 1000)
    took = time.monotonic() - start
    print("anyns roa over %d VRPs: %.2f s" % (n, took))
    assert r.returncode == 0, r.stderr
    assert first_word(r.stdout) == "valid"
    r = roa("--vrps", path, "--prefix", "2001:db8:0:2::/64", "--origin", "64513")
    assert first_word(r.stdout) == "invalid"
