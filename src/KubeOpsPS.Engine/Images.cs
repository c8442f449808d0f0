namespace KubeOpsPS.Engine;

/// <summary>A pinned container image: the reference, the upstream project it comes from, and when it was chosen.</summary>
public sealed record ImageRef(string Reference, string Upstream, string Chosen)
{
    public override string ToString() => Reference;
}

/// <summary>
/// Every container image the module deploys, in one place. Each entry names its upstream project and the date the
/// version was checked; docs/images.md lists them. To use another image, pass the cmdlet's -Image parameter.
/// </summary>
public static class Images
{
    // ---- Ingress
    // F5 NGINX Ingress Controller (open source, maintained): chart nginx-ingress 2.7.2, appVersion 5.6.2 (charts/nginx-ingress/Chart.yaml).
    // Re-checked 2026-12-02: the newest source reachable (the repository's 2026-08-21 snapshot) shows the 5.6 line
    // (chart 2.7.0, appVersion 5.6.0); nothing newer than 5.6.2 could be confirmed, so the pin stays.
    public static readonly ImageRef NginxIngress = new("nginx/nginx-ingress:5.6.2", "nginx/kubernetes-ingress: charts/nginx-ingress/Chart.yaml (appVersion 5.6.2; 5.6 line confirmed, nothing newer found)", "2026-12-02");
    // Community ingress-nginx: retired upstream in March 2026, final release v1.15.1 (2026-03-19); no security fixes after it.
    public static readonly ImageRef IngressNginx = new("registry.k8s.io/ingress-nginx/controller:v1.15.1", "kubernetes/ingress-nginx (retired 2026-03): final release v1.15.1", "2026-12-02");


    // ---- Storage
    // In-cluster NFS server + provisioner (NFS Ganesha). The project is stagnant (last commit 2024-01) but is the only
    // maintained-enough way to serve NFS from a hostPath inside the cluster; used only by Install-KoNfsStorage -HostPath.
    public static readonly ImageRef NfsGanesha = new("registry.k8s.io/sig-storage/nfs-provisioner:v4.0.8", "kubernetes-sigs/nfs-ganesha-server-and-external-provisioner: deploy/kubernetes/statefulset.yaml", "2026-12-02");
    // csi-driver-nfs and the sidecars its v4.13.5 manifests pin (deploy/v4.13.5/csi-nfs-controller.yaml, csi-nfs-node.yaml).
    // Re-checked 2026-12-02: the newest source reachable (the repository's 2026-08-22 snapshot) has tags up to v4.13.4
    // (2026-07-01); v4.13.5 was chosen 2026-11-25 from a later source that could not be reached again. Nothing newer
    // was found, so the pins stay.
    public static readonly ImageRef CsiNfsPlugin = new("registry.k8s.io/sig-storage/nfsplugin:v4.13.5", "kubernetes-csi/csi-driver-nfs: deploy/v4.13.5/", "2026-12-02");
    public static readonly ImageRef CsiProvisioner = new("registry.k8s.io/sig-storage/csi-provisioner:v6.3.0", "kubernetes-csi/external-provisioner, as pinned by csi-driver-nfs deploy/v4.13.5/csi-nfs-controller.yaml", "2026-12-02");
    public static readonly ImageRef CsiResizer = new("registry.k8s.io/sig-storage/csi-resizer:v2.2.1", "kubernetes-csi/external-resizer, as pinned by csi-driver-nfs deploy/v4.13.5/csi-nfs-controller.yaml", "2026-12-02");
    public static readonly ImageRef CsiLivenessProbe = new("registry.k8s.io/sig-storage/livenessprobe:v2.19.0", "kubernetes-csi/livenessprobe, as pinned by csi-driver-nfs deploy/v4.13.5/", "2026-12-02");
    public static readonly ImageRef CsiNodeDriverRegistrar = new("registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0", "kubernetes-csi/node-driver-registrar, as pinned by csi-driver-nfs deploy/v4.13.5/csi-nfs-node.yaml", "2026-12-02");
    // Database images for the storage recipe's examples (official images; Bitnami's are no longer free). Postgres 18
    // wants its volume at /var/lib/postgresql (PGDATA moved to /var/lib/postgresql/18/docker; docker-library/docs#2582).
    public static readonly ImageRef MySql = new("mysql:8.4", "docker-library/mysql (8.4 LTS)", "2026-12-02");
    public static readonly ImageRef Postgres = new("postgres:18", "docker-library/postgres", "2026-12-02");

    // ---- AppManager
    public static readonly ImageRef AppManager = new("ghcr.io/kubeopsps/app-manager:0.1.0", "this repository: docker/app-manager/Dockerfile (PowerShell 7.6 LTS + KubeOpsPS)", "2026-12-02");

    // ---- Logging
    // Elasticsearch and Kibana 9.5.5 (Elastic's own registry). 9.5 is the current minor: official images 9.5.1
    // (docker-library/official-images#22033, 2026-08-11) to 9.5.3 (#22196, 2026-09-03), release v9.5.5 on
    // elastic/elasticsearch's release page. The settings the module writes (single-node discovery, security with TLS
    // on HTTP, the setup Job's API calls) are unchanged from 9.4. Kibana must match Elasticsearch's version.
    public static readonly ImageRef Elasticsearch = new("docker.elastic.co/elasticsearch/elasticsearch:9.5.5", "elastic/elasticsearch releases v9.5.5 (9.5 line: docker-library/official-images#22033, #22196)", "2026-12-02");
    public static readonly ImageRef Kibana = new("docker.elastic.co/kibana/kibana:9.5.5", "elastic/kibana, the same stack release as Elasticsearch 9.5.5", "2026-12-02");
    // Fluent Bit 5.1.2, as the fluent/helm-charts fluent-bit chart pins it (fluent/helm-charts#755, after #749 5.1.0 and
    // #752 5.1.1 in 2026-08). Re-checked 2026-12-02: no newer chart update found.
    public static readonly ImageRef FluentBit = new("cr.fluentbit.io/fluent/fluent-bit:5.1.2", "fluent/fluent-bit (fluent/helm-charts#755: image 5.1.2)", "2026-12-02");
    // fluentd 1.19.3 with fluent-plugin-elasticsearch 6 for Elasticsearch 9, parser-cri and kubernetes_metadata
    // (fluent/fluentd-kubernetes-daemonset#1676 added debian-elasticsearch9; #1684 "Add v1.19.3-1.1 images"). Re-checked
    // 2026-12-02: nothing newer found.
    public static readonly ImageRef Fluentd = new("fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch9-1.1", "fluent/fluentd-kubernetes-daemonset (#1676, #1684: v1.19.3-1.1)", "2026-12-02");

    // ---- Monitoring
    // Prometheus: the 3.13 LTS line, not the newest minor. 3.13.0 (2026-07-01) is an LTS release and, since 3.5 reached
    // its end on 2026-07-31, the only supported one (prometheus/docs#3097); 3.13.3 is prometheus/prometheus#19621
    // (2026-09-07), 3.13.4 the newest 3.13 patch found (pinned by others as "the 3.13 LTS line"). A plain minor gets
    // bug fixes for about six weeks: 3.14 (2026-08-17) was already followed by 3.15 (rc 2026-09-21), so a 3.14 pin
    // would be unsupported now, and re-pinning every six weeks is more change than an admin's cluster wants. Nothing
    // the module uses needs 3.14 (its changes: duration expressions on by default, first_over_time stable, the query
    // API's stats deprecation); --config.auto-reload is stable since 3.12. TSDB data written by 3.14 is read by 3.13.
    // Alertmanager 0.34.1 (the 0.34 line, 0.34.0 of 2026-08-16 with its patch; 0.34's one change, the `reason` label
    // of alertmanager_notifications_failed_total, touches no config). node-exporter and kube-state-metrics: the newest
    // tags in their repositories' 2026-08 snapshots (v1.12.1 of 2026-07-14, v2.20.0 of 2026-08-17); nothing newer
    // found. Grafana 13.2.3: the newest 13.2 patch seen pinned (13.2.0 is of 2026-08-18).
    public static readonly ImageRef Prometheus = new("quay.io/prometheus/prometheus:v3.13.4", "prometheus/prometheus 3.13 LTS (v3.13.0 release notes; prometheus/docs#3097; #19621 3.13.3)", "2026-12-02");
    public static readonly ImageRef Alertmanager = new("quay.io/prometheus/alertmanager:v0.34.1", "prometheus/alertmanager 0.34 (CHANGELOG 0.34.0 / 2026-08-16; 0.34.1 patch)", "2026-12-02");
    public static readonly ImageRef NodeExporter = new("quay.io/prometheus/node-exporter:v1.12.1", "prometheus/node_exporter, as pinned by charts/prometheus-node-exporter 4.56.1", "2026-12-02");
    public static readonly ImageRef KubeStateMetrics = new("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0", "kubernetes/kube-state-metrics, as pinned by charts/kube-state-metrics 8.4.0", "2026-12-02");
    public static readonly ImageRef Grafana = new("docker.io/grafana/grafana:13.2.3", "grafana/grafana (13.x; 13.0 GA 2026-04)", "2026-12-02");

    // ---- CI/CD
    // Jenkins LTS controller on JDK 21 (the line chart jenkins 5.9.x deploys; the chart's 2026-08 snapshot had 2.568.2, 2.568.3 is its patch release).
    // Re-checked 2026-12-02: 2.568.2 (2026-08-05, jenkins-infra/release#938) is the newest LTS confirmed by a source
    // reachable today; 2.568.3 and a newer LTS baseline could not be confirmed, so the pin stays.
    public static readonly ImageRef Jenkins = new("jenkins/jenkins:2.568.3-jdk21", "jenkinsci/jenkins LTS; jenkinsci/helm-charts charts/jenkins (5.9.53, appVersion 2.568.2)", "2026-12-02");
    // The inbound (WebSocket) agent container of every agent pod, as pinned by chart jenkins 5.9.53 values.yaml agent.image.
    public static readonly ImageRef JenkinsInboundAgent = new("jenkins/inbound-agent:3385.vf1123fb_515da_-1", "jenkinsci/docker-inbound-agent, as pinned by jenkinsci/helm-charts charts/jenkins/values.yaml (5.9.53)", "2026-12-02");
    // Rootless BuildKit: builds and pushes images with no Docker daemon, no host socket and no privileged container (Kaniko was archived in 2025).
    // v0.32.2 (2026-08-04) is the newest tag of the repository's 2026-08-21 snapshot; re-checked 2026-12-02.
    public static readonly ImageRef BuildKitRootless = new("moby/buildkit:v0.32.2-rootless", "moby/buildkit v0.32.2 (examples/kubernetes/job.rootless.yaml)", "2026-12-02");
    // The seed's maven and nodejs agents, on official images (Maven 3.9 on Temurin 21; Node.js 24, LTS until 2028-04).
    public static readonly ImageRef Maven = new("maven:3.9-eclipse-temurin-21", "docker-library/maven (3.9, Eclipse Temurin 21)", "2026-12-02");
    public static readonly ImageRef NodeJs = new("node:24-bookworm-slim", "docker-library/node (24 LTS)", "2026-12-02");

    // ---- Rollout / demo workloads
}
