package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/winnowhq/winnow/spec"
)

type k8sOpts struct {
	name, image, config, preset, cpu, memory, claim, mount, namespace string
	tasks, parallelism, backoff                                       int
}

func newK8sCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "k8s",
		Short: "Kubernetes: manifests that run winnow as indexed jobs",
	}
	var o k8sOpts
	m := &cobra.Command{
		Use:   "manifests --tasks N --image IMAGE -- run|dedup run --out OUT INPUT...",
		Short: "Print the Jobs (Indexed for N tasks) of a winnow run or dedup split into steps",
		Long: `Manifests prints, as one YAML stream, one Job per step; a step is applied
once the one before it completed (kubectl wait --for=condition=complete).

  -- run --out OUT INPUT...
  ConfigMap NAME-spec   the pipeline (--config FILE, or --preset) as a spec
                        file, every parameter written out
  Job NAME-run          an Indexed Job (completionMode: Indexed) of N
                        completions: pod I runs winnow run --tasks N with
                        JOB_COMPLETION_INDEX = I, the spec mounted at
                        /etc/winnow/spec.yaml; backoffLimitPerIndex retries
                        a failed index alone, and a retried task resumes
  Job NAME-stats        one pod: winnow stats OUT, which checks every task
                        and merges them

  -- dedup run --out OUT INPUT...   (the same decisions as on one machine)
  Job NAME-signatures     Indexed, N: pod I signs its share of the inputs
  Job NAME-buckets-exact  the exact-duplicate pairs (not with --no-exact)
  Job NAME-buckets        Indexed, one pod per band
  Job NAME-clusters       the remove list and OUT/clusters.jsonl
  Job NAME-filter         Indexed, N: pod I writes its share's outputs
  Job NAME-stats          winnow stats OUT

The arguments after -- are winnow's, as on a laptop; OUT and the inputs must
be on a volume every pod mounts (--claim NAME --mount PATH mounts a
PersistentVolumeClaim). The image runs winnow as its entrypoint (see
Dockerfile).`,
		Example: `  winnow k8s manifests --tasks 16 --image ghcr.io/acme/winnow:0.1 --claim crawl --mount /data \
    -- run --out /data/out /data/crawl > winnow.yaml
  yq 'select(.metadata.name != "winnow-stats")' winnow.yaml | kubectl apply -f -
  kubectl wait --for=condition=complete --timeout=24h job/winnow-run
  yq 'select(.metadata.name == "winnow-stats")' winnow.yaml | kubectl apply -f -
  # each step of a dedup in turn:
  for s in signatures buckets-exact buckets clusters filter stats; do
    winnow k8s manifests --tasks 16 --image IMG -- dedup run --out /data/d /data/out/kept |
      yq "select(.metadata.name == \"winnow-$s\")" | kubectl apply -f - &&
    kubectl wait --for=condition=complete --timeout=24h job/winnow-$s || break
  done`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runK8sManifests(o, cmd.Flags().Changed("preset"), args, os.Stdout)
		},
	}
	f := m.Flags()
	f.StringVar(&o.name, "name", "winnow", "name prefix of the objects")
	f.StringVar(&o.namespace, "namespace", "", "namespace of the objects (default: kubectl's)")
	f.StringVar(&o.image, "image", "", "container image whose entrypoint is winnow (required)")
	f.IntVar(&o.tasks, "tasks", 0, "tasks, one pod each (required)")
	f.IntVar(&o.parallelism, "parallelism", 0, "pods at once (default: every task)")
	f.IntVar(&o.backoff, "backoff-limit-per-index", 3, "retries of one failed task")
	f.StringVar(&o.config, "config", "", "the pipeline as a spec file (see winnow presets)")
	f.StringVar(&o.preset, "preset", "fineweb", "the pipeline when there is no --config")
	f.StringVar(&o.cpu, "cpu", "2", "CPU request and limit of a pod")
	f.StringVar(&o.memory, "memory", "4Gi", "memory request and limit of a pod")
	f.StringVar(&o.claim, "claim", "", "a PersistentVolumeClaim every pod mounts at --mount")
	f.StringVar(&o.mount, "mount", "/data", "where --claim is mounted")
	c.AddCommand(m)
	return c
}

// specMount is where the pods find the pipeline's spec.
const specMount = "/etc/winnow"

func runK8sManifests(o k8sOpts, presetSet bool, args []string, w io.Writer) error {
	if o.image == "" || o.tasks < 1 {
		return usagef("k8s manifests needs --image and --tasks N (N >= 1)")
	}
	pl, err := planSteps(args, o.tasks, specMount+"/spec.yaml", func() (*spec.Spec, error) { return namedSpec(o.config, o.preset, presetSet) })
	if err != nil {
		return err
	}
	meta := func(name string) map[string]any {
		m := map[string]any{"name": name, "labels": map[string]string{"app.kubernetes.io/name": "winnow", "app.kubernetes.io/instance": o.name}}
		if o.namespace != "" {
			m["namespace"] = o.namespace
		}
		return m
	}
	var mounts, volumes []map[string]any
	if pl.spec != nil {
		mounts = append(mounts, map[string]any{"name": "spec", "mountPath": specMount, "readOnly": true})
		volumes = append(volumes, map[string]any{"name": "spec", "configMap": map[string]any{"name": o.name + "-spec"}})
	}
	if o.claim != "" {
		mounts = append(mounts, map[string]any{"name": "data", "mountPath": o.mount})
		volumes = append(volumes, map[string]any{"name": "data", "persistentVolumeClaim": map[string]any{"claimName": o.claim}})
	}
	pod := func(args []string) map[string]any {
		res := map[string]string{"cpu": o.cpu, "memory": o.memory}
		c := map[string]any{
			"name": "winnow", "image": o.image, "args": args,
			"resources": map[string]any{"requests": res, "limits": res},
		}
		ps := map[string]any{"restartPolicy": "Never", "containers": []map[string]any{c}}
		if len(mounts) > 0 {
			c["volumeMounts"] = mounts
			ps["volumes"] = volumes
		}
		return map[string]any{
			"metadata": map[string]any{"labels": map[string]string{"app.kubernetes.io/name": "winnow", "app.kubernetes.io/instance": o.name}},
			"spec":     ps,
		}
	}
	var docs []map[string]any
	if pl.spec != nil {
		docs = append(docs, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(o.name + "-spec"),
			"data": map[string]string{"spec.yaml": string(pl.spec.Canonical())}})
	}
	for _, st := range pl.steps {
		job := map[string]any{"completions": 1, "backoffLimit": o.backoff, "template": pod(st.args)}
		if st.tasks > 0 {
			par := o.parallelism
			if par <= 0 || par > st.tasks {
				par = st.tasks
			}
			job = map[string]any{
				"completionMode": "Indexed", "completions": st.tasks, "parallelism": par,
				"backoffLimitPerIndex": o.backoff, "template": pod(st.args),
			}
		}
		docs = append(docs, map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": meta(o.name + "-" + st.name), "spec": job})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# winnow %s: %d tasks of winnow %v\n", version, o.tasks, args)
	for i, d := range docs {
		y, err := yaml.Marshal(d)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	_, err = w.Write(b.Bytes())
	return err
}
