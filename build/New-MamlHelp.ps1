<#
.SYNOPSIS
    Generates the module's MAML help (KubeOpsPS.dll-Help.xml) from docs/cmdlets/<Verb-Noun>.md.
.DESCRIPTION
    No help tooling is available from a registry here, so this is the small generator. The markdown gives the
    prose (SYNOPSIS, DESCRIPTION, PARAMETERS, EXAMPLES, INPUTS, OUTPUTS, NOTES); the parameter facts (type,
    position, mandatory, pipeline input, aliases) come from the built cmdlets themselves, in a child process that
    imports the built module, so the help can never disagree with the code.
    SYNTAX reads as PowerShell's own cmdlets print it (switches without a value, Nullable`1 as its value type,
    -WhatIf and -Confirm where the cmdlet supports them). RELATED LINKS list the cmdlets the page names and
    about_KubeOpsPS; the online page is derived from the manifest's PrivateData.PSData.ProjectUri (the one place
    for the project's address), so Get-Help -Online follows that setting.
#>
param([string] $DocsDirectory, [string] $Path, [object[]] $PwshCommand = @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')))

$ModulePath = Join-Path (Split-Path (Split-Path $Path)) 'KubeOpsPS.psd1'
$script = @'
param($docs, $path, $modulePath)
$ErrorActionPreference = 'Stop'
Import-Module $modulePath
$projectUri = (Import-PowerShellDataFile $modulePath).PrivateData.PSData.ProjectUri
$exported = @(Get-Command -Module KubeOpsPS -CommandType Cmdlet | ForEach-Object Name)
# The value shown for a parameter: what a user types, as PowerShell's own syntax shows it.
function TypeName([type] $t) {
    $u = [Nullable]::GetUnderlyingType($t)
    if ($u) { $t = $u }
    $t.Name
}
$shouldProcess = [ordered]@{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Get-Sections([string] $text) {
    # '## NAME' blocks, then '### item' blocks inside them
    $sections = [ordered]@{}
    $current = $null
    foreach ($line in $text -split "`r?`n") {
        if ($line -match '^## +(.+?)\s*$') { $current = $Matches[1].ToUpperInvariant(); $sections[$current] = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}
function Get-Items([Collections.Generic.List[string]] $lines) {
    $items = [ordered]@{}
    $current = $null
    foreach ($line in $lines) {
        if ($line -match '^### +(.+?)\s*$') { $current = $Matches[1]; $items[$current] = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $current) { $items[$current].Add($line) }
    }
    $items
}
function Esc([string] $s) { [Security.SecurityElement]::Escape($s) }
function Paras([string[]] $lines) {
    $text = ($lines -join "`n").Trim()
    if (-not $text) { return '<maml:para />' }
    (($text -split "`n\s*`n") | ForEach-Object { "<maml:para>$(Esc ($_ -replace '\s*\n\s*', ' '))</maml:para>" }) -join ''
}

$sb = [Text.StringBuilder]::new()
[void]$sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
$commands = Get-Command -Module KubeOpsPS -CommandType Cmdlet | Sort-Object Name
foreach ($cmd in $commands) {
    $file = Join-Path $docs "$($cmd.Name).md"
    if (-not (Test-Path $file)) { Write-Warning "No help page for $($cmd.Name): $file"; continue }
    $s = Get-Sections (Get-Content $file -Raw)
    $synopsis = if ($s.Contains('SYNOPSIS')) { ($s['SYNOPSIS'] -join ' ').Trim() } else { '' }
    $params = if ($s.Contains('PARAMETERS')) { Get-Items $s['PARAMETERS'] } else { @{} }
    $examples = if ($s.Contains('EXAMPLES')) { Get-Items $s['EXAMPLES'] } else { @{} }
    $verb, $noun = $cmd.Name -split '-', 2
    [void]$sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$verb</command:verb><command:noun>$noun</command:noun><maml:description><maml:para>$(Esc $synopsis)</maml:para></maml:description></command:details>")
    [void]$sb.AppendLine("<maml:description>$(Paras $s['DESCRIPTION'])</maml:description>")
    $common = [Management.Automation.Cmdlet]::CommonParameters + [Management.Automation.Cmdlet]::OptionalCommonParameters
    $syntax = [Text.StringBuilder]::new()
    foreach ($set in $cmd.ParameterSets) {
        [void]$syntax.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common -or $_.Name -in $shouldProcess.Keys }) {
            $pipe = if ($p.ValueFromPipeline) { 'True (ByValue)' } elseif ($p.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' } else { 'False' }
            $pos = if ($p.Position -ge 0) { $p.Position } else { 'named' }
            $value = if ($p.ParameterType -eq [switch]) { '' } else { "<command:parameterValue required=`"true`">$(Esc (TypeName $p.ParameterType))</command:parameterValue>" }
            [void]$syntax.Append("<command:parameter required=`"$($p.IsMandatory.ToString().ToLower())`" position=`"$pos`" pipelineInput=`"$pipe`"><maml:name>$($p.Name)</maml:name>$value</command:parameter>")
        }
        [void]$syntax.Append('</command:syntaxItem>')
    }
    [void]$sb.AppendLine("<command:syntax>$syntax</command:syntax>")
    [void]$sb.Append('<command:parameters>')
    foreach ($p in $cmd.Parameters.Values | Where-Object Name -notin $common | Sort-Object Name) {
        $attrs = @($p.Attributes | Where-Object { $_ -is [Management.Automation.ParameterAttribute] })
        $mandatory = [bool]($attrs | Where-Object Mandatory)
        $byValue = [bool]($attrs | Where-Object ValueFromPipeline)
        $byName = [bool]($attrs | Where-Object ValueFromPipelineByPropertyName)
        $pipe = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        $position = ($attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
        $pos = if ($null -ne $position) { $position } else { 'named' }
        $desc = if ($params.Contains("-$($p.Name)")) { Paras $params["-$($p.Name)"] } else { Write-Warning "$($cmd.Name): -$($p.Name) is not documented"; '<maml:para />' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'None' }
        $wild = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $value = if ($p.ParameterType -eq [switch]) { '' } else { "<command:parameterValue required=`"true`">$(Esc (TypeName $p.ParameterType))</command:parameterValue>" }
        [void]$sb.Append("<command:parameter required=`"$($mandatory.ToString().ToLower())`" globbing=`"$($wild.ToString().ToLower())`" pipelineInput=`"$pipe`" position=`"$pos`" aliases=`"$aliases`"><maml:name>$($p.Name)</maml:name><maml:description>$desc</maml:description>$value<dev:type><maml:name>$(Esc $p.ParameterType.FullName)</maml:name></dev:type></command:parameter>")
    }
    foreach ($n in $shouldProcess.Keys | Where-Object { $cmd.Parameters.ContainsKey($_) }) {
        [void]$sb.Append("<command:parameter required=`"false`" globbing=`"false`" pipelineInput=`"False`" position=`"named`" aliases=`"$(if ($n -eq 'WhatIf') { 'wi' } else { 'cf' })`"><maml:name>$n</maml:name><maml:description>$(if ($params.Contains("-$n")) { Paras $params["-$n"] } else { "<maml:para>$($shouldProcess[$n])</maml:para>" })</maml:description><dev:type><maml:name>System.Management.Automation.SwitchParameter</maml:name></dev:type></command:parameter>")
    }
    [void]$sb.AppendLine('</command:parameters>')
    foreach ($pair in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
        $items = if ($s.Contains($pair[0])) { Get-Items $s[$pair[0]] } else { @{} }
        [void]$sb.Append("<command:$($pair[1])>")
        foreach ($k in $items.Keys) { [void]$sb.Append("<command:$($pair[2])><dev:type><maml:name>$(Esc $k)</maml:name></dev:type><maml:description>$(Paras $items[$k])</maml:description></command:$($pair[2])>") }
        [void]$sb.AppendLine("</command:$($pair[1])>")
    }
    if ($s.Contains('NOTES')) { [void]$sb.AppendLine("<maml:alertSet><maml:alert>$(Paras $s['NOTES'])</maml:alert></maml:alertSet>") }
    [void]$sb.Append('<command:examples>')
    foreach ($title in $examples.Keys) {
        $lines = $examples[$title]
        $inCode = $false; $code = [Collections.Generic.List[string]]::new(); $rest = [Collections.Generic.List[string]]::new()
        foreach ($l in $lines) {
            if ($l -match '^```') { $inCode = -not $inCode; continue }
            if ($inCode) { $code.Add($l) } else { $rest.Add($l) }
        }
        [void]$sb.Append("<command:example><maml:title>--------- $(Esc $title) ---------</maml:title><dev:code>$(Esc (($code -join "`n").Trim()))</dev:code><dev:remarks>$(Paras $rest)</dev:remarks></command:example>")
    }
    [void]$sb.AppendLine('</command:examples>')
    # Related: the online page (from the manifest's ProjectUri), the cmdlets this page names, the about topic.
    [void]$sb.Append('<command:relatedLinks>')
    if ($projectUri) { [void]$sb.Append("<maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>$(Esc "$($projectUri.TrimEnd('/'))/blob/main/docs/cmdlets/$($cmd.Name).md")</maml:uri></maml:navigationLink>") }
    $named = [regex]::Matches((Get-Content $file -Raw), '\b[A-Z][a-z]+-Ko[A-Za-z]+\b') | ForEach-Object Value | Where-Object { $_ -in $exported -and $_ -ne $cmd.Name } | Sort-Object -Unique
    foreach ($n in @($named) + 'about_KubeOpsPS') { [void]$sb.Append("<maml:navigationLink><maml:linkText>$n</maml:linkText><maml:uri /></maml:navigationLink>") }
    [void]$sb.AppendLine('</command:relatedLinks>')
    [void]$sb.AppendLine('</command:command>')
}
[void]$sb.AppendLine('</helpItems>')
New-Item -ItemType Directory (Split-Path $path) -Force | Out-Null
[IO.File]::WriteAllText($path, $sb.ToString())
'@
$tmp = Join-Path ([IO.Path]::GetTempPath()) "ko-help-$PID.ps1"
Set-Content $tmp $script
try {
    & $PwshCommand[0] $PwshCommand[1] -NoProfile -NonInteractive -File $tmp $DocsDirectory $Path $ModulePath
    if ($LASTEXITCODE -ne 0) { throw 'Generating the help file failed.' }
} finally { Remove-Item $tmp -ErrorAction SilentlyContinue }
