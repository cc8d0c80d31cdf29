#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module's MAML help (module/en-US/Geneva.PowerShell.dll-Help.xml) and about topics from help/*.md.
.DESCRIPTION
    A small stand-in for platyPS, which NuGet does not serve (neither Microsoft.PowerShell.PlatyPS
    nor platyPS) and the PowerShell Gallery is unreachable from our build machines.

    The markdown follows platyPS's layout (SecretManagement's help/*.md): front matter, then
    SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES ("### Example N: title", a code block, remarks),
    PARAMETERS ("### -Name", text, a yaml block), INPUTS, OUTPUTS, NOTES, RELATED LINKS.
    People write the text; the SYNTAX blocks and parameter yaml blocks are generated from the
    built cmdlets (Get-Command), except "Default value", which only a person knows.

    About topics: help/about_*.md (sections '## SHORT DESCRIPTION', '## LONG DESCRIPTION', '### ...')
    become module/en-US/about_*.help.txt, in the plain-text layout of PowerShell's own about topics,
    rendered from the syntax tree of PowerShell's ConvertFrom-Markdown (Markdig).

    Default: checks that every exported cmdlet has a markdown file whose generated parts match the
    cmdlets, then writes the MAML and the about topics. Metadata in the MAML (syntax, types, positions, pipeline input)
    always comes from Get-Command, the markdown gives the words.
    -UpdateMarkdown: rewrites the generated parts of help/*.md (and creates a skeleton for a cmdlet
    that has no file yet) instead of failing the check.

    Run it through build.ps1 (-Task Help), which builds the module first.
.EXAMPLE
    dotnet pwsh -NoProfile -File ./build.ps1 -Task Help
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../module/Geneva.psd1'),
    [string] $HelpPath = (Join-Path $PSScriptRoot '../help'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../module/en-US/Geneva.PowerShell.dll-Help.xml'),
    [switch] $UpdateMarkdown
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$CommonParametersText = 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, ' +
    '-InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, ' +
    '-Verbose, -WarningAction, and -WarningVariable. For more information, see ' +
    '[about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).'
# -WhatIf and -Confirm are documented like the cmdlet's own parameters, as platyPS does.
$SkippedParameters = [System.Collections.Generic.HashSet[string]]::new(
    [string[]] ([System.Management.Automation.Cmdlet]::CommonParameters + 'UseTransaction'), [StringComparer]::OrdinalIgnoreCase)
$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$Sections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'


# Splits markdown into (level, title, body) blocks at headings of the given level, ignoring '#'
# lines inside code fences (PowerShell comments).
function Split-Heading {
    param([string[]] $Lines, [int] $Level)
    $marker = ('#' * $Level) + ' '
    $inFence = $false
    $current = [pscustomobject]@{ Title = $null; Lines = [System.Collections.Generic.List[string]]::new() }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $current
            $current = [pscustomobject]@{ Title = $line.Substring($marker.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        $current.Lines.Add($line)
    }
    $current
}

function Get-Text([System.Collections.Generic.IEnumerable[string]] $Lines) {
    ((@($Lines) -join "`n").Trim())
}

# Reads help/<Cmdlet>.md into the parts a person writes.
function Read-HelpMarkdown {
    param([string] $Path)
    $lines = (Get-Content -LiteralPath $Path -Raw) -replace "`r`n", "`n" -split "`n"
    if ($lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        $lines = $lines[($end + 1)..($lines.Count - 1)]
    }
    $top = @(Split-Heading $lines 1)
    if ($top.Count -ne 2) { throw "${Path}: expected one '# <Cmdlet>' heading." }
    $doc = [ordered]@{ Name = $top[1].Title; Synopsis = ''; Description = ''; Examples = @(); Parameters = @{};
        Inputs = @(); Outputs = @(); Notes = ''; Links = @() }
    foreach ($section in Split-Heading $top[1].Lines 2 | Select-Object -Skip 1) {
        if ($section.Title -notin $Sections) { throw "${Path}: unknown section '## $($section.Title)'." }
        $parts = @(Split-Heading $section.Lines 3)
        switch ($section.Title) {
            'SYNOPSIS' { $doc.Synopsis = Get-Text $section.Lines }
            'DESCRIPTION' { $doc.Description = Get-Text $section.Lines }
            'NOTES' { $doc.Notes = Get-Text $section.Lines }
            'EXAMPLES' {
                $doc.Examples = @(foreach ($part in $parts | Select-Object -Skip 1) {
                        $text = Get-Text $part.Lines
                        $m = [regex]::Match($text, '^```[a-z]*\n(?<code>.*?)\n```\s*(?<remarks>.*)$', 'Singleline')
                        if (-not $m.Success) { throw "${Path}: example '$($part.Title)' must start with a code block." }
                        [pscustomobject]@{ Title = $part.Title; Code = $m.Groups['code'].Value; Remarks = $m.Groups['remarks'].Value.Trim() }
                    })
            }
            'PARAMETERS' {
                foreach ($part in $parts | Select-Object -Skip 1) {
                    if ($part.Title -eq 'CommonParameters') { continue }
                    if (-not $part.Title.StartsWith('-')) { throw "${Path}: parameter heading '### $($part.Title)' must be '### -Name'." }
                    $text = Get-Text $part.Lines
                    $m = [regex]::Match($text, '^(?<desc>.*?)(\n*```yaml\n(?<yaml>.*?)\n```)?$', 'Singleline')
                    $default = 'None'
                    if ($m.Groups['yaml'].Success) {
                        $d = [regex]::Match($m.Groups['yaml'].Value, '(?m)^Default value: (.*)$')
                        if ($d.Success) { $default = $d.Groups[1].Value.Trim() }
                    }
                    $doc.Parameters[$part.Title.Substring(1)] = [pscustomobject]@{
                        Description = $m.Groups['desc'].Value.Trim(); Default = $default; Yaml = $m.Groups['yaml'].Value
                    }
                }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $items = @(foreach ($part in $parts | Select-Object -Skip 1) {
                        [pscustomobject]@{ Type = $part.Title; Description = Get-Text $part.Lines }
                    })
                if ($section.Title -eq 'INPUTS') { $doc.Inputs = $items } else { $doc.Outputs = $items }
            }
            'RELATED LINKS' {
                $doc.Links = @(foreach ($m in [regex]::Matches((Get-Text $section.Lines), '\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)')) {
                        [pscustomobject]@{ Text = $m.Groups['text'].Value; Uri = $m.Groups['uri'].Value }
                    })
            }
        }
    }
    [pscustomobject] $doc
}


function Get-TypeName([type] $Type, [switch] $Full) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    if ($Full) { $Type.FullName } else { $Type.Name }
}

# One parameter as the help shows it, with per-set position and Mandatory.
function Get-ParameterHelp {
    param([System.Management.Automation.CommandInfo] $Command, [string] $Name)
    $parameter = $Command.Parameters[$Name]
    $sets = $parameter.ParameterSets
    $byValue = $sets.Values.ValueFromPipeline -contains $true
    $byName = $sets.Values.ValueFromPipelineByPropertyName -contains $true
    $setNames = if ($sets.ContainsKey('__AllParameterSets')) { @('(All)') } else { @($sets.Keys | Sort-Object) }
    # Summarizes a per-set value: one value, or "value (sets), value (sets)" when the sets differ.
    $perSet = {
        param([scriptblock] $Value)
        $groups = @($sets.GetEnumerator() | Group-Object { & $Value $_.Value } | Sort-Object Name -Descending)
        if ($groups.Count -eq 1) { return $groups[0].Name }
        ($groups | ForEach-Object { "$($_.Name) ($((@($_.Group.Key) | Sort-Object) -join ', '))" }) -join ', '
    }
    [pscustomobject]@{
        Name          = $Name
        Type          = Get-TypeName $parameter.ParameterType
        FullType      = Get-TypeName $parameter.ParameterType -Full
        IsSwitch      = $parameter.SwitchParameter
        Sets          = $setNames
        Aliases       = @($parameter.Aliases)
        Required      = & $perSet { param($a) "$($a.IsMandatory)" }
        Position      = & $perSet { param($a) if ($a.Position -lt 0) { 'Named' } else { "$($a.Position)" } }
        PipelineInput = if ($byValue -and $byName) { 'True (ByPropertyName, ByValue)' } elseif ($byValue) { 'True (ByValue)' }
                        elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    }
}

function Get-HelpParameterName([System.Management.Automation.CommandInfo] $Command) {
    @($Command.Parameters.Keys | Where-Object { -not $SkippedParameters.Contains($_) })
}

function Get-ParameterYaml([pscustomobject] $Help, [string] $Default) {
    @(
        "Type: $($Help.Type)"
        "Parameter Sets: $($Help.Sets -join ', ')"
        "Aliases: $($Help.Aliases -join ', ')".TrimEnd()
        ''
        "Required: $($Help.Required)"
        "Position: $($Help.Position)"
        "Default value: $Default"
        "Accept pipeline input: $($Help.PipelineInput)"
        'Accept wildcard characters: False'
    ) -join "`n"
}

function Get-SyntaxBlock([System.Management.Automation.CommandInfo] $Command) {
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
    (@(foreach ($set in $sets) {
                $title = if ($set.IsDefault -and $sets.Count -gt 1) { "$($set.Name) (Default)" } else { $set.Name }
                "### $title`n`n" + '```' + "`n$($Command.Name) $set`n" + '```'
            }) -join "`n`n")
}


function Format-HelpMarkdown {
    param([System.Management.Automation.CommandInfo] $Command, [pscustomobject] $Doc)
    $text = { param($value, $placeholder) if ($value) { $value } else { "{{ $placeholder }}" } }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add("---`nexternal help file: Geneva.PowerShell.dll-Help.xml`nModule Name: Geneva`nonline version:`nschema: 2.0.0`n---")
    $out.Add("# $($Command.Name)")
    $out.Add("## SYNOPSIS`n$(& $text $Doc.Synopsis 'One sentence: what the cmdlet does.')")
    $out.Add("## SYNTAX`n`n$(Get-SyntaxBlock $Command)")
    $out.Add("## DESCRIPTION`n$(& $text $Doc.Description 'What it does, when to use it, what it does not do.')")
    $examples = @(if ($Doc.Examples) { $Doc.Examples } else { [pscustomobject]@{ Title = 'Example 1: {{ Title }}'; Code = '{{ Code }}'; Remarks = '{{ What it shows }}' } })
    $out.Add("## EXAMPLES`n`n" + (($examples | ForEach-Object { "### $($_.Title)`n" + '```powershell' + "`n$($_.Code)`n" + '```' + "`n`n$($_.Remarks)" }) -join "`n`n"))
    $parameters = foreach ($name in Get-HelpParameterName $Command | Sort-Object) {
        $help = Get-ParameterHelp $Command $name
        $written = $Doc.Parameters[$name]
        $description = if ($written) { $written.Description } else { '' }
        $default = if ($written) { $written.Default } else { 'None' }
        "### -$name`n$(& $text $description 'What it is for.')`n`n" + '```yaml' + "`n$(Get-ParameterYaml $help $default)`n" + '```'
    }
    $out.Add("## PARAMETERS`n`n" + ((@($parameters) + "### CommonParameters`n$CommonParametersText") -join "`n`n"))
    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        $items = @(if ($kind -eq 'INPUTS') { $Doc.Inputs } else { $Doc.Outputs })
        if (-not $items) { $items = @([pscustomobject]@{ Type = 'None'; Description = '' }) }
        $out.Add("## $kind`n`n" + (($items | ForEach-Object { ("### $($_.Type)`n$($_.Description)").TrimEnd() }) -join "`n`n"))
    }
    $out.Add("## NOTES`n$($Doc.Notes)".TrimEnd())
    $out.Add("## RELATED LINKS`n`n" + (($Doc.Links | ForEach-Object { "[$($_.Text)]($($_.Uri))" }) -join "`n`n"))
    ($out -join "`n`n") + "`n"
}


function Add-Para([System.Xml.XmlWriter] $Writer, [string] $Text) {
    $Writer.WriteStartElement('maml', 'description', $MamlNs)
    # One para per markdown paragraph; code blocks keep their lines.
    foreach ($para in ($Text -replace '```[a-z]*\n?', '') -split '\n\s*\n') {
        if ($para.Trim()) { $Writer.WriteElementString('maml', 'para', $MamlNs, $para.Trim()) }
    }
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, [pscustomobject] $Help, [pscustomobject] $Doc, [string] $Required, [string] $Position, [switch] $InSyntax)
    $Writer.WriteStartElement('command', 'parameter', $CommandNs)
    $Writer.WriteAttributeString('required', $Required.ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', 'false')
    $Writer.WriteAttributeString('pipelineInput', $Help.PipelineInput)
    $Writer.WriteAttributeString('position', $Position.ToLowerInvariant())
    $Writer.WriteAttributeString('aliases', $(if ($Help.Aliases) { $Help.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Help.Name)
    Add-Para $Writer $Doc.Description
    if (-not ($InSyntax -and $Help.IsSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
        $Writer.WriteAttributeString('required', $(if ($Help.IsSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Help.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $DevNs)
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Help.FullType)
    $Writer.WriteElementString('maml', 'uri', $MamlNs, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $DevNs, $Doc.Default)
    $Writer.WriteEndElement()
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.CmdletInfo] $Command, [pscustomobject] $Doc)
    $w = $Writer
    $w.WriteStartElement('command', 'command', $CommandNs)
    $w.WriteStartElement('command', 'details', $CommandNs)
    $w.WriteElementString('command', 'name', $CommandNs, $Command.Name)
    $w.WriteElementString('command', 'verb', $CommandNs, $Command.Verb)
    $w.WriteElementString('command', 'noun', $CommandNs, $Command.Noun)
    Add-Para $w $Doc.Synopsis
    $w.WriteEndElement()
    Add-Para $w $Doc.Description

    $w.WriteStartElement('command', 'syntax', $CommandNs)
    foreach ($set in $Command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name) {
        $w.WriteStartElement('command', 'syntaxItem', $CommandNs)
        $w.WriteElementString('maml', 'name', $MamlNs, $Command.Name)
        $members = $set.Parameters | Where-Object { -not $SkippedParameters.Contains($_.Name) } |
            Sort-Object { if ($_.Position -lt 0) { [int]::MaxValue } else { $_.Position } }, { -not $_.IsMandatory }, Name
        foreach ($p in $members) {
            $position = if ($p.Position -lt 0) { 'named' } else { "$($p.Position)" }
            Write-MamlParameter $w (Get-ParameterHelp $Command $p.Name) $Doc.Parameters[$p.Name] "$($p.IsMandatory)" $position -InSyntax
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $CommandNs)
    foreach ($name in Get-HelpParameterName $Command | Sort-Object) {
        $help = Get-ParameterHelp $Command $name
        Write-MamlParameter $w $help $Doc.Parameters[$name] ($help.Required -replace ' \(.*', '') ($help.Position -replace ' \(.*', '')
    }
    $w.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', $Doc.Inputs), @('returnValues', 'returnValue', $Doc.Outputs))) {
        $w.WriteStartElement('command', $kind[0], $CommandNs)
        foreach ($item in $kind[2]) {
            $w.WriteStartElement('command', $kind[1], $CommandNs)
            $w.WriteStartElement('dev', 'type', $DevNs)
            $w.WriteElementString('maml', 'name', $MamlNs, $item.Type)
            $w.WriteEndElement()
            Add-Para $w $item.Description
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $MamlNs)
    $w.WriteStartElement('maml', 'alert', $MamlNs)
    foreach ($para in $Doc.Notes -split '\n\s*\n') {
        if ($para.Trim()) { $w.WriteElementString('maml', 'para', $MamlNs, $para.Trim()) }
    }
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $CommandNs)
    foreach ($example in $Doc.Examples) {
        $w.WriteStartElement('command', 'example', $CommandNs)
        $w.WriteElementString('maml', 'title', $MamlNs, "---------- $($example.Title) ----------")
        $w.WriteElementString('dev', 'code', $DevNs, $example.Code)
        $w.WriteStartElement('dev', 'remarks', $DevNs)
        foreach ($para in $example.Remarks -split '\n\s*\n') {
            if ($para.Trim()) { $w.WriteElementString('maml', 'para', $MamlNs, $para.Trim()) }
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $CommandNs)
    foreach ($link in $Doc.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $MamlNs)
        $w.WriteElementString('maml', 'linkText', $MamlNs, $link.Text)
        # Links to sibling markdown files are for GitHub; Get-Help -Online needs a real address.
        $w.WriteElementString('maml', 'uri', $MamlNs, $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}


# about_*.md -> about_*.help.txt, in the layout of PowerShell's own about topics (TOPIC, SHORT DESCRIPTION,
# LONG DESCRIPTION, ... with indented text wrapped at 80 columns). The markdown is parsed by PowerShell's own
# ConvertFrom-Markdown (Markdig), so lists, tables, code blocks and inline markup come out as text, not as
# markdown; cmdlet help keeps the line-based reader above, since its files must round-trip to the character.
function ConvertTo-AboutText {
    param([string] $Path)
    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
    $document = (ConvertFrom-Markdown -LiteralPath $Path).Tokens
    $headings = @($document | Where-Object { $_.GetType().Name -eq 'HeadingBlock' } | ForEach-Object { "$($_.Level) $(Get-InlineText $_.Inline)" })
    if ($headings[0] -ne "1 $name") { throw "${Path}: must start with '# $name'." }
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if ("2 $required" -notin $headings) { throw "${Path}: has no '## $required' section." }
    }
    $chunks = [System.Collections.Generic.List[string]]::new()
    $afterHeading = $false
    foreach ($block in $document) {
        $text = Format-AboutBlock $block 4
        if (-not $text) { continue }
        # A heading's text follows it on the next line; other blocks are separated by a blank line.
        $isHeading = $block.GetType().Name -eq 'HeadingBlock'
        if ($afterHeading -and -not $isHeading) { $chunks[$chunks.Count - 1] += "`n$text" } else { $chunks.Add($text) }
        $afterHeading = $isHeading
    }
    ($chunks -join "`n`n") + "`n"
}

function Get-InlineText($Container) {
    if ($null -eq $Container) { return '' }
    $parts = for ($inline = $Container.FirstChild; $null -ne $inline; $inline = $inline.NextSibling) {
        switch ($inline.GetType().Name) {
            'LiteralInline' { $inline.Content.ToString() }
            'CodeInline' { $inline.Content }
            'LineBreakInline' { ' ' }
            'HtmlEntityInline' { $inline.Transcoded.ToString() }
            'AutolinkInline' { $inline.Url }
            'LinkInline' {
                # Links to sibling markdown files are for GitHub; in a console only their text means something.
                $text = Get-InlineText $inline
                if ($inline.Url -match '^https?://' -and $text -ne $inline.Url) { "$text ($($inline.Url))" } else { $text }
            }
            default { if ($null -ne $inline.PSObject.Properties['FirstChild']) { Get-InlineText $inline } else { "$inline" } }
        }
    }
    (@($parts) -join '')
}

# Greedy word wrap: the first line at $Indent, the others at $Hanging.
function Format-Wrapped([string] $Text, [int] $Indent, [int] $Hanging = $Indent, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ' ' * $Indent
    $empty = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $Width) {
            $lines.Add($line)
            $line = ' ' * $Hanging
            $empty = $true
        }
        $line += $(if ($empty) { $word } else { " $word" })
        $empty = $false
    }
    if (-not $empty) { $lines.Add($line) }
    $lines -join "`n"
}

function Format-AboutBlock($Block, [int] $Indent) {
    switch ($Block.GetType().Name) {
        'HeadingBlock' {
            $title = Get-InlineText $Block.Inline
            switch ($Block.Level) {
                1 { "TOPIC`n    $title" }
                2 { $title.ToUpperInvariant() }
                default { '  ' + $title.ToUpperInvariant() }
            }
        }
        'ParagraphBlock' { Format-Wrapped (Get-InlineText $Block.Inline) $Indent }
        { $_ -in 'FencedCodeBlock', 'CodeBlock' } {
            (@($Block.Lines.Lines | Select-Object -First $Block.Lines.Count | ForEach-Object { ((' ' * ($Indent + 4)) + $_.Slice.ToString()).TrimEnd() }) -join "`n").TrimEnd()
        }
        'ListBlock' {
            $number = 0
            (@(foreach ($item in $Block) {
                        $number++
                        $bullet = if ($Block.IsOrdered) { "$number. " } else { '- ' }
                        $parts = @(foreach ($child in $item) {
                                if ($child.GetType().Name -eq 'ParagraphBlock') {
                                    $hanging = $Indent + $bullet.Length
                                    $wrapped = Format-Wrapped (Get-InlineText $child.Inline) $hanging
                                    $wrapped
                                }
                                else { Format-AboutBlock $child ($Indent + $bullet.Length) }
                            })
                        $first = $parts[0]
                        $parts[0] = (' ' * $Indent) + $bullet + $first.Substring($Indent + $bullet.Length)
                        $parts -join "`n"
                    }) -join "`n")
        }
        'Table' {
            $rows = @(foreach ($row in $Block) { , @(foreach ($cell in $row) { (@(foreach ($p in $cell) { Get-InlineText $p.Inline }) -join ' ').Trim() }) })
            $widths = @(for ($c = 0; $c -lt $rows[0].Count; $c++) { ($rows | ForEach-Object { $_[$c].Length } | Measure-Object -Maximum).Maximum })
            # The last column wraps to keep lines within 80 columns, its continuation lines under it.
            $lastStart = $Indent + ($widths | Select-Object -SkipLast 1 | ForEach-Object { $_ + 2 } | Measure-Object -Sum).Sum
            $widths[-1] = [Math]::Min($widths[-1], [Math]::Max(20, 80 - $lastStart))
            $format = {
                param($cells)
                $head = (' ' * $Indent) + (@(for ($c = 0; $c -lt $cells.Count - 1; $c++) { $cells[$c].PadRight($widths[$c]) + '  ' }) -join '')
                $last = (Format-Wrapped $cells[-1] $lastStart $lastStart ($lastStart + $widths[-1])).Substring($lastStart)
                ($head + $last).TrimEnd()
            }
            $lines = [System.Collections.Generic.List[string]]::new()
            $lines.Add((& $format $rows[0]))
            $lines.Add((& $format @($widths | ForEach-Object { '-' * $_ })))
            foreach ($row in $rows | Select-Object -Skip 1) { $lines.Add((& $format $row)) }
            $lines -join "`n"
        }
        'QuoteBlock' { (@(foreach ($child in $Block) { Format-AboutBlock $child ($Indent + 4) }) -join "`n`n") }
        default { $null }  # thematic breaks, HTML and link definitions have no text of their own.
    }
}


$module = Import-Module $ModulePath -Force -PassThru
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$problems = [System.Collections.Generic.List[string]]::new()
$docs = [ordered]@{}
New-Item -ItemType Directory -Path $HelpPath -Force | Out-Null
foreach ($command in $commands) {
    $path = Join-Path $HelpPath "$($command.Name).md"
    $doc = if (Test-Path -LiteralPath $path) { Read-HelpMarkdown $path } else {
        [pscustomobject]@{ Name = $command.Name; Synopsis = ''; Description = ''; Examples = @(); Parameters = @{}; Inputs = @(); Outputs = @(); Notes = ''; Links = @() }
    }
    foreach ($extra in $doc.Parameters.Keys | Where-Object { -not $command.Parameters.ContainsKey($_) }) {
        $problems.Add("${path}: documents -$extra, which $($command.Name) does not have.")
    }
    $expected = Format-HelpMarkdown $command $doc
    $actual = if (Test-Path -LiteralPath $path) { (Get-Content -LiteralPath $path -Raw) -replace "`r`n", "`n" } else { '' }
    if ($expected -ne $actual) {
        if ($UpdateMarkdown) {
            [IO.File]::WriteAllText($path, $expected)
            Write-Host "Updated $path"
            $doc = Read-HelpMarkdown $path
        }
        else {
            $problems.Add("${path}: out of date with $($command.Name) (missing file, parameters, syntax or yaml); run tools/Build-Help.ps1 -UpdateMarkdown and review the diff.")
        }
    }
    if ($expected -match '\{\{ ') {
        $problems.Add("${path}: has placeholders ('{{ ... }}') to fill in.")
    }
    if (-not $doc.Examples) { $problems.Add("${path}: has no examples.") }
    $docs[$command.Name] = $doc
}
$aboutTopics = @(Get-ChildItem -LiteralPath $HelpPath -Filter 'about_*.md' | Sort-Object Name)
$aboutTexts = [ordered]@{}
foreach ($topic in $aboutTopics) {
    try { $aboutTexts[$topic.BaseName] = ConvertTo-AboutText $topic.FullName }
    catch { $problems.Add($_.Exception.Message) }
}
foreach ($stray in Get-ChildItem -LiteralPath $HelpPath -Filter '*.md' | Where-Object { $_.BaseName -notin $commands.Name -and $_.Name -notlike 'about_*' }) {
    $problems.Add("$($stray.FullName): no exported cmdlet is called $($stray.BaseName).")
}
if ($problems.Count) {
    throw "Help is not ready:`n  " + ($problems -join "`n  ")
}

New-Item -ItemType Directory -Path (Split-Path $OutputPath) -Force | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false); NewLineChars = "`n" }
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    $writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $writer.WriteAttributeString('xmlns', 'command', $null, $CommandNs)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $DevNs)
    foreach ($command in $commands) {
        Write-MamlCommand $writer $command $docs[$command.Name]
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
Write-Host "Wrote $OutputPath ($($commands.Count) cmdlets)"

$outputFolder = Split-Path $OutputPath
foreach ($name in $aboutTexts.Keys) {
    [IO.File]::WriteAllText((Join-Path $outputFolder "$name.help.txt"), $aboutTexts[$name])
}
foreach ($old in Get-ChildItem -LiteralPath $outputFolder -Filter 'about_*.help.txt' | Where-Object { $_.Name -replace '\.help\.txt$' -notin $aboutTexts.Keys }) {
    Remove-Item -LiteralPath $old.FullName
}
Write-Host "Wrote $($aboutTexts.Count) about topic(s) to $outputFolder"
