# SPDX-License-Identifier: MIT
"""anynsd's command line and configuration errors, as an operator meets them:
exit codes and one clear message naming the file, the line and the option."""
import subprocess

import pytest

from conftest import ANYNSD, ROOT

ZONE = """$ORIGIN example.com.
$TTL 300
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.1
"""


def run(*args, timeout=10):
    p = subprocess.run([str(ANYNSD)] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def write_conf(tmp_path, text):
    path = tmp_path / "anynsd.yaml"
    path.write_text(text)
    return path


def good_conf(tmp_path, zone_file="example.com.zone"):
    (tmp_path / "example.com.zone").write_text(ZONE)
    return write_conf(tmp_path, "server:\n"
                      "  listen: 127.0.0.1@5399\n"
                      "zone:\n"
                      "  - domain: example.com\n"
                      "    file: %s\n" % zone_file)


@pytest.mark.parametrize("text, message", [
    ("server:\n  listen: [ 127.0.0.1@53\n  workers: 1\n",
     "anynsd.yaml:3: YAML syntax error"),
    ("server:\n  listen: 127.0.0.1@5399\n  wrokers: 2\n",
     "anynsd.yaml:3: server.wrokers: unknown option"),
    ("server:\n  listen: 127.0.0.1@5399\n  workers: many\n",
     "anynsd.yaml:3: server.workers: expected an integer 1..256, got 'many'"),
    ("server:\n  listen: 127.0.0.1@5399\n  tcp-idle-timeout: forever\n",
     "anynsd.yaml:3: server.tcp-idle-timeout: expected a duration 1s..1h, got 'forever'"),
    ("server:\n  listen: 127.0.0.1@5399\nacls:\n  - id: x\n",
     "anynsd.yaml:3: acls: unknown section"),
    ("server:\n  listen: 127.0.0.1@5399\nzone:\n  - domain: a.\n    file: a\n"
     "  - domain: A\n    file: b\n",
     "anynsd.yaml:6: zone.domain: duplicate 'a.' (first at line 4)"),
])
@pytest.mark.parametrize("check", [False, True])
def test_config_error_is_one_message(tmp_path, text, message, check):
    conf = write_conf(tmp_path, text)
    rc, out, err = run("-c", str(conf), *(["--check"] if check else []))
    assert rc == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert message in lines[0]
    assert str(conf) in lines[0]


def test_missing_config_file(tmp_path):
    rc, out, err = run("-c", str(tmp_path / "nope.yaml"))
    assert rc == 1
    assert "nope.yaml: cannot open (No such file or directory)" in err


def test_check_good(tmp_path):
    conf = good_conf(tmp_path)
    rc, out, err = run("-c", str(conf), "--check")
    assert rc == 0, err
    assert "zone example.com., checked, serial 1" in err


def test_check_unreadable_zone_file(tmp_path):
    conf = good_conf(tmp_path, zone_file="missing.zone")
    rc, out, err = run("-c", str(conf), "--check")
    assert rc == 1
    assert "zone example.com., load failed, %s" % (tmp_path / "missing.zone") in err
    assert "(zone.file of the entry at %s:4)" % conf in err   # file, line, option


def test_check_reports_zone_errors_with_file_and_line(tmp_path):
    conf = good_conf(tmp_path)
    (tmp_path / "example.com.zone").write_text(ZONE + "www A 192.0.2.300\n")
    rc, out, err = run("-c", str(conf), "--check")
    assert rc == 1
    assert "%s:6:" % (tmp_path / "example.com.zone") in err


def test_version():
    rc, out, err = run("--version")
    assert rc == 0
    assert out.startswith("anynsd ") and len(out.split()) == 2


@pytest.mark.parametrize("args", [[], ["--bogus"], ["-c"], ["-c", "a.yaml", "extra"]])
def test_usage_errors_exit_2(args):
    rc, out, err = run(*args)
    assert rc == 2
    assert "usage: anynsd" in err


def test_config_reference_is_doc_config_md():
    rc, out, err = run("--config-reference")
    assert rc == 0
    assert out == (ROOT / "doc" / "config.md").read_text()


def test_examples_pass_their_checks():
    # the README points operators at examples/: each must pass its own program's check
    ex = ROOT / "examples"
    rc, out, err = run("-c", str(ex / "anynsd.yaml"), "--check")
    assert rc == 0 and "check passed" in err, err
    hd = subprocess.run([str(ANYNSD.parent / "anyns-healthd"), "-c", str(ex / "healthd.yaml"),
                         "-C"], capture_output=True, text=True, timeout=10)
    assert hd.returncode == 0, hd.stderr
    bird = subprocess.run(["bird", "-p", "-c", str(ex / "bird-node.conf")],
                          capture_output=True, text=True, timeout=10)
    assert bird.returncode == 0, bird.stderr
