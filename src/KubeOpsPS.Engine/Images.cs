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
    public static readonly ImageRef NginxIngress = new("nginx/nginx-ingress:5.6.2", "nginx/kubernetes-ingress: charts/nginx-ingress/Chart.yaml (appVersion 5.6.2)", "2026-11-25");
    // Community ingress-nginx: retired upstream in March 2026, final release v1.15.1 (2026-03-19); no security fixes after it.
    public static readonly ImageRef IngressNginx = new("registry.k8s.io/ingress-nginx/controller:v1.15.1", "kubernetes/ingress-nginx (retired 2026-03): final release v1.15.1", "2026-11-25");


    // ---- Storage
    // In-cluster NFS server + provisioner (NFS Ganesha). The project is stagnant (last commit 2024-01) but is the only
    // maintained-enough way to serve NFS from a hostPath inside the cluster; used only by Install-KoNfsStorage -HostPath.
    public static readonly ImageRef NfsGanesha = new("registry.k8s.io/sig-storage/nfs-provisioner:v4.0.8", "kubernetes-sigs/nfs-ganesha-server-and-external-provisioner: deploy/kubernetes/statefulset.yaml", "2026-11-25");
    // csi-driver-nfs and the sidecars its v4.13.5 manifests pin (deploy/v4.13.5/csi-nfs-controller.yaml, csi-nfs-node.yaml).
    public static readonly ImageRef CsiNfsPlugin = new("registry.k8s.io/sig-storage/nfsplugin:v4.13.5", "kubernetes-csi/csi-driver-nfs: deploy/v4.13.5/", "2026-11-25");
    public static readonly ImageRef CsiProvisioner = new("registry.k8s.io/sig-storage/csi-provisioner:v6.3.0", "kubernetes-csi/external-provisioner, as pinned by csi-driver-nfs deploy/v4.13.5/csi-nfs-controller.yaml", "2026-11-25");
    public static readonly ImageRef CsiResizer = new("registry.k8s.io/sig-storage/csi-resizer:v2.2.1", "kubernetes-csi/external-resizer, as pinned by csi-driver-nfs deploy/v4.13.5/csi-nfs-controller.yaml", "2026-11-25");
    public static readonly ImageRef CsiLivenessProbe = new("registry.k8s.io/sig-storage/livenessprobe:v2.19.0", "kubernetes-csi/livenessprobe, as pinned by csi-driver-nfs deploy/v4.13.5/", "2026-11-25");
    public static readonly ImageRef CsiNodeDriverRegistrar = new("registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0", "kubernetes-csi/node-driver-registrar, as pinned by csi-driver-nfs deploy/v4.13.5/csi-nfs-node.yaml", "2026-11-25");
    // Database images for the storage recipe's examples (official images; Bitnami's are no longer free). Postgres 18
    // wants its volume at /var/lib/postgresql (PGDATA moved to /var/lib/postgresql/18/docker; docker-library/docs#2582).
    public static readonly ImageRef MySql = new("mysql:8.4", "docker-library/mysql (8.4 LTS)", "2026-11-25");
    public static readonly ImageRef Postgres = new("postgres:18", "docker-library/postgres", "2026-11-25");

    // ---- AppManager
    public static readonly ImageRef AppManager = new("ghcr.io/kubeopsps/app-manager:0.1.0", "this repository: docker/app-manager/Dockerfile (PowerShell 7.6 LTS + KubeOpsPS)", "2026-11-25");

    // ---- Logging
    // Elasticsearch and Kibana 9.4.1 (Elastic's own registry; the Docker Hub official images re-bundle the same builds:
    // docker-library/official-images#21450 "Update ELK images for 9.4.1"). Kibana must match Elasticsearch's version.
    public static readonly ImageRef Elasticsearch = new("docker.elastic.co/elasticsearch/elasticsearch:9.4.1", "elastic/elasticsearch (docker-library/official-images#21450: 9.4.1)", "2026-11-25");
    public static readonly ImageRef Kibana = new("docker.elastic.co/kibana/kibana:9.4.1", "elastic/kibana (docker-library/official-images#21450: 9.4.1)", "2026-11-25");
    // Fluent Bit 5.1.2, as the fluent/helm-charts fluent-bit chart pins it (fluent/helm-charts#755).
    public static readonly ImageRef FluentBit = new("cr.fluentbit.io/fluent/fluent-bit:5.1.2", "fluent/fluent-bit (fluent/helm-charts#755: image 5.1.2)", "2026-11-25");
    // fluentd 1.19.3 with fluent-plugin-elasticsearch 6 for Elasticsearch 9, parser-cri and kubernetes_metadata
    // (fluent/fluentd-kubernetes-daemonset#1676 added debian-elasticsearch9; #1684 "Add v1.19.3-1.1 images").
    public static readonly ImageRef Fluentd = new("fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch9-1.1", "fluent/fluentd-kubernetes-daemonset (#1676, #1684: v1.19.3-1.1)", "2026-11-25");

    // ---- Monitoring
    // The combination kube-prometheus-stack 88.5.3 (2026-08-22) ships and tests together: Prometheus, Alertmanager,
    // node-exporter (chart prometheus-node-exporter 4.56.1), kube-state-metrics (chart 8.4.0). Grafana 13.2.3: the
    // newest 13.x tag seen in use (Grafana's chart moved to grafana-community/helm-charts in 2026).
    public static readonly ImageRef Prometheus = new("quay.io/prometheus/prometheus:v3.14.0", "prometheus/prometheus, as pinned by prometheus-community/helm-charts kube-prometheus-stack 88.5.3", "2026-11-25");
    public static readonly ImageRef Alertmanager = new("quay.io/prometheus/alertmanager:v0.34.0", "prometheus/alertmanager, as pinned by kube-prometheus-stack 88.5.3", "2026-11-25");
    public static readonly ImageRef NodeExporter = new("quay.io/prometheus/node-exporter:v1.12.1", "prometheus/node_exporter, as pinned by charts/prometheus-node-exporter 4.56.1", "2026-11-25");
    public static readonly ImageRef KubeStateMetrics = new("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0", "kubernetes/kube-state-metrics, as pinned by charts/kube-state-metrics 8.4.0", "2026-11-25");
    public static readonly ImageRef Grafana = new("docker.io/grafana/grafana:13.2.3", "grafana/grafana (13.x; 13.0 GA 2026-04)", "2026-11-25");

    // ---- CI/CD
    // Jenkins LTS controller on JDK 21 (the line chart jenkins 5.9.x deploys; the chart's 2026-08 snapshot had 2.568.2, 2.568.3 is its patch release).
    public static readonly ImageRef Jenkins = new("jenkins/jenkins:2.568.3-jdk21", "jenkinsci/jenkins LTS; jenkinsci/helm-charts charts/jenkins (5.9.53, appVersion 2.568.2)", "2026-11-25");
    // The inbound (WebSocket) agent container of every agent pod, as pinned by chart jenkins 5.9.53 values.yaml agent.image.
    public static readonly ImageRef JenkinsInboundAgent = new("jenkins/inbound-agent:3385.vf1123fb_515da_-1", "jenkinsci/docker-inbound-agent, as pinned by jenkinsci/helm-charts charts/jenkins/values.yaml (5.9.53)", "2026-11-25");
    // Rootless BuildKit: builds and pushes images with no Docker daemon, no host socket and no privileged container (Kaniko was archived in 2025).
    public static readonly ImageRef BuildKitRootless = new("moby/buildkit:v0.32.2-rootless", "moby/buildkit v0.32.2 (examples/kubernetes/job.rootless.yaml)", "2026-11-25");
    // The seed's maven and nodejs agents, on official images (Maven 3.9 on Temurin 21; Node.js 24, LTS until 2028-04).
    public static readonly ImageRef Maven = new("maven:3.9-eclipse-temurin-21", "docker-library/maven (3.9, Eclipse Temurin 21)", "2026-11-25");
    public static readonly ImageRef NodeJs = new("node:24-bookworm-slim", "docker-library/node (24 LTS)", "2026-11-25");

    // ---- Rollout / demo workloads
}
