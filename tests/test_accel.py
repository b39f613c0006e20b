"""Tests of scripts/accel.sh, the accelerator choice, with fake QEMUs.

Each fake qemu-system-x86_64 is put first on PATH; the KVM device is a
plain file (KVM_DEV), so the tests run the same on any machine.
"""

import os
import stat
import subprocess
import tempfile
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCEL = os.path.join(TOP, "scripts", "accel.sh")

# Every fake answers --version (the cache key) and logs its other calls.
PROLOGUE = """#!/bin/sh
if [ "$1" = --version ]; then
    echo "QEMU emulator version 7.2.99 (fake $FAKE_KIND)"
    exit 0
fi
echo "$*" >>"$FAKE_CALLS"
"""

FAKES = {
    # QEMU 7.2 on a kvm_pvm /dev/kvm with -cpu max or host.
    "abort": PROLOGUE + """
echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
echo "qemu-system-x86_64: ../target/i386/kvm/kvm.c:2996: kvm_buf_set_msrs: Assertion failed." >&2
kill -ABRT $$
""",
    # Starts, and the guest prints nothing, ever.
    "hang": PROLOGUE + """
exec sleep 600
""",
    # A working KVM: the guest's /init prints the marker on the serial port.
    "works": PROLOGUE + """
for a in "$@"; do
    case "$a" in file:*) log=${a#file:} ;; esac
done
echo "Linux version 6.12.0 (fake)" >>"$log"
echo "nsid-accel-probe: userspace runs" >>"$log"
exit 0
""",
}


class AccelTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        self.kvm = os.path.join(self.dir, "kvm")
        with open(self.kvm, "w"):
            pass
        self.kernel = os.path.join(self.dir, "bzImage")
        with open(self.kernel, "w") as f:
            f.write("not a kernel: the fakes never read it\n")
        self.calls = os.path.join(self.dir, "calls")

    def tearDown(self):
        self.tmp.cleanup()

    def fake(self, kind):
        path = os.path.join(self.bin, "qemu-system-x86_64")
        with open(path, "w") as f:
            f.write(FAKES[kind])
        os.chmod(path, stat.S_IRWXU)
        self.kind = kind

    def run_accel(self, accel=None, bound="3", dev=None):
        env = dict(os.environ)
        env.pop("ACCEL", None)
        # The accelerator probe is the x86_64 guest's (make check ARCH=arm64
        # runs these tests too).
        env.pop("ARCH", None)
        env["GUEST_ARCH"] = "x86_64"
        env.update(
            PATH=self.bin + os.pathsep + env["PATH"],
            BUILD=os.path.join(self.dir, "build"),
            KVM_DEV=dev or self.kvm,
            ACCEL_PROBE_TIMEOUT=bound,
            FAKE_CALLS=self.calls,
            FAKE_KIND=getattr(self, "kind", "none"),
        )
        if accel is not None:
            env["ACCEL"] = accel
        start = time.monotonic()
        p = subprocess.run(["bash", ACCEL, self.kernel], env=env,
                           capture_output=True, text=True, timeout=60)
        return p, time.monotonic() - start

    def ncalls(self):
        if not os.path.exists(self.calls):
            return 0
        with open(self.calls) as f:
            return len(f.readlines())

    def test_abort_falls_back_to_tcg(self):
        self.fake("abort")
        p, _ = self.run_accel()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "tcg\n")
        self.assertIn("vm: KVM unusable here", p.stderr)
        self.assertIn("failed to set MSR 0x10a", p.stderr)
        self.assertIn("using TCG", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_hang_falls_back_to_tcg_within_the_bound(self):
        self.fake("hang")
        p, took = self.run_accel(bound="2")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "tcg\n")
        self.assertIn("printed no marker in 2s", p.stderr)
        self.assertLess(took, 15)

    def test_working_kvm_is_used_with_cpu_host(self):
        self.fake("works")
        p, _ = self.run_accel()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "kvm\n")
        self.assertIn("vm: KVM (probe boot reached userspace", p.stderr)
        with open(self.calls) as f:
            probe = f.read()
        self.assertIn("accel=kvm", probe)
        self.assertIn("-cpu host", probe)
        self.assertIn(self.kernel, probe)

    def test_verdict_is_cached(self):
        for kind, verdict in (("works", "kvm\n"), ("abort", "tcg\n")):
            with self.subTest(kind=kind):
                self.tearDown()
                self.setUp()
                self.fake(kind)
                first, _ = self.run_accel()
                second, _ = self.run_accel()
                self.assertEqual(first.stdout, verdict)
                self.assertEqual(second.stdout, verdict)
                self.assertEqual(self.ncalls(), 1, "the second choice probed again")
                self.assertIn("verdict cached in", second.stderr)

    def test_cache_is_keyed_by_qemu_version(self):
        self.fake("abort")
        self.assertEqual(self.run_accel()[0].stdout, "tcg\n")
        self.fake("works")
        self.assertEqual(self.run_accel()[0].stdout, "kvm\n")
        self.assertEqual(self.ncalls(), 2)

    def test_forced_kvm_on_unusable_kvm_fails_at_once(self):
        self.fake("abort")
        p, took = self.run_accel(accel="kvm")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "")
        self.assertIn("ACCEL=kvm, but KVM cannot run the guest here", p.stderr)
        self.assertIn("failed to set MSR", p.stderr)
        self.assertLess(took, 15)
        # And again from the cached verdict, without a probe.
        p, _ = self.run_accel(accel="kvm")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ACCEL=kvm, but KVM cannot run the guest here", p.stderr)
        self.assertEqual(self.ncalls(), 1)

    def test_forced_kvm_on_hanging_kvm_fails_within_the_bound(self):
        self.fake("hang")
        p, took = self.run_accel(accel="kvm", bound="2")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("printed no marker in 2s", p.stderr)
        self.assertLess(took, 15)

    def test_forced_kvm_on_working_kvm(self):
        self.fake("works")
        p, _ = self.run_accel(accel="kvm")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "kvm\n")

    def test_forced_tcg_never_probes(self):
        self.fake("works")
        p, _ = self.run_accel(accel="tcg")
        self.assertEqual(p.stdout, "tcg\n")
        self.assertIn("ACCEL=tcg", p.stderr)
        self.assertEqual(self.ncalls(), 0)

    def test_no_kvm_device_never_probes(self):
        self.fake("works")
        p, _ = self.run_accel(dev=os.path.join(self.dir, "no-such-kvm"))
        self.assertEqual(p.stdout, "tcg\n")
        self.assertIn("vm: KVM unusable here (no ", p.stderr)
        self.assertEqual(self.ncalls(), 0)
        p, _ = self.run_accel(accel="kvm", dev=os.path.join(self.dir, "no-such-kvm"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ACCEL=kvm, but KVM cannot run the guest here: no ", p.stderr)

    def test_bad_accel_value(self):
        self.fake("works")
        p, _ = self.run_accel(accel="hvf")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ACCEL must be kvm or tcg", p.stderr)

    def test_vm_sh_uses_the_choice(self):
        """vm.sh boots with the accelerator and CPU model accel.sh chose."""
        for kind, accel, cpu in (("works", "accel=kvm", "-cpu host"),
                                 ("abort", "accel=tcg", "-cpu max")):
            with self.subTest(kind=kind):
                self.tearDown()
                self.setUp()
                self.fake(kind)
                initrd = os.path.join(self.dir, "initrd")
                with open(initrd, "w"):
                    pass
                env = dict(os.environ)
                env.pop("ACCEL", None)
                env.pop("ARCH", None)
                env["GUEST_ARCH"] = "x86_64"
                env.update(PATH=self.bin + os.pathsep + env["PATH"],
                           BUILD=os.path.join(self.dir, "build"), KVM_DEV=self.kvm,
                           ACCEL_PROBE_TIMEOUT="3", FAKE_CALLS=self.calls,
                           FAKE_KIND=kind, TIMEOUT="5")
                log = os.path.join(self.dir, "console.log")
                p = subprocess.run(["bash", os.path.join(TOP, "scripts", "vm.sh"),
                                    self.kernel, initrd, "check", log],
                                   env=env, capture_output=True, text=True, timeout=60)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(self.calls) as f:
                    boot = f.read().splitlines()[-1]
                self.assertIn(accel, boot)
                self.assertIn(cpu, boot)
                self.assertIn("nsid.mode=check", boot)


if __name__ == "__main__":
    unittest.main()
