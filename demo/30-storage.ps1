# Recipe 3: NFS storage, MySQL with a claim per pod (volumeClaimTemplates) and PostgreSQL with one claim, as manifests.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

# The seed's NFS server on a node's disk, provisioning one directory per claim; data kept when a claim is deleted.
Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 -Default -OutputDirectory (Join-Path $OutputDirectory 'nfs') | Out-Null

# MySQL 8.4 as a StatefulSet: every pod gets its own claim (data-mysql-0, data-mysql-1, ...), kept when the
# StatefulSet is deleted or scaled down. The Secret mysql-root (MYSQL_ROOT_PASSWORD) is created separately.
New-KoStatefulSet -Name mysql -Namespace apps -Image mysql:8.4 -Port 3306 -EnvFromSecret mysql-root `
    -Env @{ MYSQL_DATABASE = 'app' } -Cpu 250m -Memory 512Mi -MemoryLimit 1Gi `
    -ReadinessProbe tcp:3306 -LivenessProbe tcp:3306 `
    -VolumeClaimTemplate data=10Gi:/var/lib/mysql -StorageClass nfs -WithHeadlessService |
    ConvertTo-KoYaml -OutputDirectory (Join-Path $OutputDirectory 'mysql') | Out-Null

# PostgreSQL 18 as a Deployment on one claim made first. Postgres 18 wants the volume at /var/lib/postgresql (its
# data goes to /var/lib/postgresql/18/docker). One pod at a time on the claim: no surge, the old pod stops first.
@(
    New-KoVolumeClaim -Name pg-data -Namespace apps -Size 10Gi -StorageClass nfs
    New-KoDeployment -Name pg -Namespace apps -Image postgres:18 -Port 5432 -EnvFromSecret pg-credentials `
        -Cpu 250m -Memory 512Mi -MemoryLimit 1Gi -ReadinessProbe tcp:5432 -LivenessProbe tcp:5432 `
        -VolumeClaim pg-data:/var/lib/postgresql -MaxSurge 0 -MaxUnavailable 1
) | ConvertTo-KoYaml -OutputDirectory (Join-Path $OutputDirectory 'postgres') | Out-Null
