package main

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// startSlurm starts a real single-node Slurm cluster for the test: a
// private munged, slurmctld and slurmd as root, with their own
// configuration, state and ports in a temporary directory. It returns the
// environment that points sbatch and friends at it. Without root or the
// Debian packages (slurm-wlm, munge) the test is skipped, unless
// WINNOW_REQUIRE_SLURM is set (.ci/run sets it).
func startSlurm(t *testing.T) []string {
	t.Helper()
	skip := func(why string) {
		if os.Getenv("WINNOW_REQUIRE_SLURM") != "" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	if os.Geteuid() != 0 {
		skip("Slurm's daemons need root")
	}
	bins := map[string]string{}
	for _, b := range []string{"slurmctld", "slurmd", "munged", "sbatch", "squeue", "sinfo", "scancel"} {
		p, err := exec.LookPath(b)
		if err != nil {
			if p, err = exec.LookPath("/usr/sbin/" + b); err != nil {
				skip("no " + b + " (apt-get install slurm-wlm munge)")
			}
		}
		bins[b] = p
	}
	dir := t.TempDir()
	socket := startMunge(t, bins["munged"], filepath.Join(dir, "munge"))
	host, _ := os.Hostname()
	host, _, _ = strings.Cut(host, ".")
	port := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	conf := filepath.Join(dir, "slurm.conf")
	for _, d := range []string{"state", "spool", "log"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(conf, []byte(fmt.Sprintf(`ClusterName=winnowtest
SlurmctldHost=%[1]s
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=%[6]s
StateSaveLocation=%[2]s/state
SlurmdSpoolDir=%[2]s/spool
SlurmctldPidFile=%[2]s/slurmctld.pid
SlurmdPidFile=%[2]s/slurmd.pid
SlurmctldLogFile=%[2]s/log/slurmctld.log
SlurmdLogFile=%[2]s/log/slurmd.log
SlurmctldPort=%[3]d
SlurmdPort=%[4]d
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
NodeName=%[1]s CPUs=%[5]d RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=%[1]s Default=YES MaxTime=INFINITE State=UP
`, host, dir, port(), port(), runtime.NumCPU(), socket)), 0o644)
	env := append(os.Environ(), "SLURM_CONF="+conf)
	for _, d := range []string{"slurmctld", "slurmd"} {
		args := []string{"-D"}
		if d == "slurmctld" {
			args = append(args, "-c")
		}
		cmd := exec.Command(bins[d], args...)
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		cmd := exec.Command(bins["sinfo"], "-h", "-o", "%T")
		cmd.Env = env
		b, _ := cmd.Output()
		if strings.TrimSpace(string(b)) == "idle" {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "log", "slurmctld.log"))
			t.Fatalf("the Slurm node is not idle: %q\n%s", b, log)
		}
	}
	return env
}

// startMunge starts a private munged for the test's cluster: its own key,
// socket, pid, seed and log files under dir, so that neither a machine's
// munged nor a stale /run/munge socket left by one (a restored machine
// image has one, with no daemon behind it) can break the cluster. It
// returns the socket's path, which slurm.conf names in AuthInfo.
func startMunge(t *testing.T, munged, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "munge.key")
	if err := os.WriteFile(key, randomBytes(t, 128), 0o600); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(dir, "munge.socket")
	cmd := exec.Command(munged, "--foreground", "--force",
		"--socket="+socket, "--key-file="+key,
		"--pid-file="+filepath.Join(dir, "munged.pid"),
		"--seed-file="+filepath.Join(dir, "munged.seed"),
		"--log-file="+filepath.Join(dir, "munged.log"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("munged: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-exited:
			exited <- err
			log, _ := os.ReadFile(filepath.Join(dir, "munged.log"))
			t.Fatalf("munged exited: %v\n%s%s", err, out.String(), log)
		default:
		}
		if c, err := net.Dial("unix", socket); err == nil {
			c.Close()
			return socket
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "munged.log"))
			t.Fatalf("munged is not listening on %s\n%s%s", socket, out.String(), log)
		}
	}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// slurmLogs returns the jobs' logs under OUT/slurm/logs, each after its
// name, for a failure message.
func slurmLogs(out string) string {
	logs, _ := filepath.Glob(filepath.Join(out, "slurm", "logs", "*"))
	var all strings.Builder
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		all.WriteString(l + ":\n" + string(b))
	}
	return all.String()
}

// waitJobs waits until Slurm runs none of the test's jobs.
func waitJobs(t *testing.T, env []string, timeout time.Duration, done func(queue string) bool) string {
	t.Helper()
	for deadline := time.Now().Add(timeout); ; time.Sleep(500 * time.Millisecond) {
		cmd := exec.Command("squeue", "-h", "-o", "%i %j %T %r")
		cmd.Env = env
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("squeue: %v", err)
		}
		if done(string(b)) {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Slurm jobs did not finish: %s", b)
		}
	}
}

// TestSlurm submits a run split into 3 tasks to a real Slurm cluster: first
// with every task killed part-way (the merge then never runs), then again:
// the tasks resume, the merge runs after them, and the result is the run on
// one machine.
func TestSlurm(t *testing.T) {
	env, dir, in := slurmCase(t)
	lines := strings.Split(strings.TrimSpace(string(gunzipFile(t, sample))), "\n")
	for i, n := range []int{200, 150, 100, 77} {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("part-%d.jsonl", i)), []byte(strings.Join(lines[:n], "\n")+"\n"), 0o644)
		lines = lines[n:]
	}
	local, out := filepath.Join(dir, "local"), filepath.Join(dir, "out")
	if r := winnow(t, nil, "run", "-q", "--preset", "fineweb-quality", "--out", local, in); r.code != 0 {
		t.Fatal(r.stderr)
	}
	submit := func(extra ...string) (string, string) {
		cmd := exec.Command(winnowBin, "slurm", "submit", "--tasks", "3", "--cpus-per-task", "1", "--preset", "fineweb-quality", "--", "run", "--out", out, in)
		cmd.Env = append(env, extra...)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("slurm submit: %v\n%s", err, b)
		}
		var run, stats string
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "run "); ok {
				run = v
			}
			if v, ok := strings.CutPrefix(l, "stats "); ok {
				stats = v
			}
		}
		if run == "" || stats == "" {
			t.Fatalf("no job ids in %s", b)
		}
		return run, stats
	}
	// Every task killed at its 40th document: the merge waits forever.
	_, stats1 := submit("WINNOW_FAULT=gopher_quality_v1:40")
	q := waitJobs(t, env, 120*time.Second, func(q string) bool { return !strings.Contains(q, "winnow-run") })
	if !strings.Contains(q, stats1) {
		t.Fatalf("the merge ran although tasks failed: %q", q)
	}
	cancel := exec.Command("scancel", stats1)
	cancel.Env = env
	cancel.Run()
	if _, err := os.Stat(filepath.Join(out, "stats.json")); err == nil {
		t.Fatal("merged after failed tasks")
	}
	st := winnow(t, nil, "slurm", "status", out)
	if st.code != 0 || !strings.Contains(st.stdout, "unfinished") {
		t.Errorf("status after the failure: %s %s", st.stdout, st.stderr)
	}
	// The same command again: the tasks resume, then the merge.
	submit()
	waitJobs(t, env, 180*time.Second, func(q string) bool { return strings.TrimSpace(q) == "" })
	if st := winnow(t, nil, "slurm", "status", out); !strings.Contains(st.stdout, "3 of 3 tasks finished") || !strings.Contains(st.stdout, "merged") {
		t.Fatalf("status: %s\nlogs:\n%s", st.stdout, slurmLogs(out))
	}
	a, b := readStats(t, local), readStats(t, out)
	if a.In != b.In || a.Kept != b.Kept || a.Removed != b.Removed || a.Rejected != b.Rejected {
		t.Errorf("Slurm run %+v, one machine %+v", b, a)
	}
	for i := 0; i < 4; i++ {
		x, _ := os.ReadFile(filepath.Join(local, "kept", fmt.Sprintf("part-%d.jsonl.gz", i)))
		y, err := os.ReadFile(filepath.Join(out, "kept", fmt.Sprintf("part-%d.jsonl.gz", i)))
		if err != nil || string(x) != string(y) {
			t.Errorf("kept/part-%d differs from the one-machine run: %v", i, err)
		}
	}
	// --dry-run submits nothing and shows the scripts.
	r := winnow(t, nil, "slurm", "submit", "--tasks", "2", "--dry-run", "--", "run", "--out", filepath.Join(dir, "dry"), in)
	if r.code != 0 || !strings.Contains(r.stdout, "#SBATCH --array=0-1") || !strings.Contains(r.stdout, "--dependency=afterok:JOB") {
		t.Errorf("dry run: %s %s", r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "dry")); err == nil {
		t.Error("--dry-run wrote files")
	}
}
