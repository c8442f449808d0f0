# The reviewed list of documented commands that the documented-commands test (DocumentedCommands.Tests.ps1) does not
# run exactly as written, each with the reason. Everything else in README.md, docs/recipes/*.md, about_KubeOpsPS and
# every help example runs as written, in order, in a fresh session. An entry whose line is no longer in its document
# fails the test, so this list cannot go stale.
@{
    # Lines left out of a block; the rest of the block runs.
    Omit = @(
        @{ Document = 'README.md'; Line = 'dotnet pwsh'; Reason = 'starts the interactive shell the rest of the block runs in; the test session is that shell' }
        @{ Document = 'README.md'; Line = 'Import-Module ./out/KubeOpsPS'; Reason = 'the path is relative to the repository; the test session imports the same built module by its full path' }
        @{ Document = 'README.md'; Line = 'Start-KoAppManager -Path ./deploy -Prune'; Reason = 'runs until Ctrl+C; that its events appear while it runs is tested in Core/FirstHour.Tests.ps1' }
        @{ Document = '04-auto-deploy.md'; Line = 'Start-KoAppManager -Path ./deploy -Prune | Format-Table'; Reason = 'runs until Ctrl+C; that its events appear while it runs is tested in Core/FirstHour.Tests.ps1' }
        @{ Document = '04-auto-deploy.md'; Line = 'pwsh -NoProfile -Command "Import-Module KubeOpsPS; Start-KoAppManager -Path /srv/deploy -Once -Prune"'; Reason = 'a cron line for an installed module and a real /srv/deploy; the same -Once pass from a child pwsh is tested in AppManager/Start-KoAppManager.Tests.ps1' }
        @{ Document = '03-storage.md'; Line = 'Remove-KoVolumeClaim -Name data-mysql-0 -Namespace apps            # asks; output says where the data stays'; Reason = 'asks for confirmation, which a non-interactive session cannot answer; the -WhatIf line before it runs, and the prompt is tested in Storage/Remove-KoVolumeClaim.Tests.ps1' }
        @{ Document = '07-monitoring.md'; Line = @('New-KoAlertRule -Name HighErrorRate -Expr ''sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) > 1'' -For 10m -Severity critical |', 'Add-KoAlertRule'); Reason = 'reloads Prometheus through the service proxy, and the fake cluster runs no Prometheus; Monitoring/Reload.Tests.ps1 runs the same command against a real promtool-checked Prometheus behind the fake proxy' }
        @{ Document = '07-monitoring.md'; Line = 'Update-KoMonitoringConfig -RuleFile ./web.rules.yml -AlertmanagerConfig ./alertmanager.yml'; Reason = 'reloads Prometheus and Alertmanager through the service proxy, and the fake cluster runs neither; Monitoring/Reload.Tests.ps1 covers it with real ones' }
    )
    # Commands run after a line, standing in for a step the document leaves to a person or another system.
    After = @(
        @{ Document = '01b-tls.md'; Line = '# paste app.csr into the CA''s form (or submit it with your CA''s tooling), save the answer as app-cert.pem or app.pfx'; Run = '& openssl x509 -req -in ./app.csr -CA ./ca.crt -CAkey ./ca.key -CAcreateserial -copy_extensions copy -days 30 -out ./app-cert.pem 2>$null'; Reason = 'the CA answers the request outside PowerShell; openssl signs app.csr with the lab CA of the block before, so the next line imports a real answer' }
    )
    # Commands that cannot run non-interactively, replaced in the test session (and only there).
    Substitute = @(
        @{ Command = 'Get-Credential'; Reason = 'asks for a password interactively; the test session defines Get-Credential <user> to return a credential for that user without asking' }
    )
}
