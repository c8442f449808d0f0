using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Manifests.Supervisor;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Supervisor;

public class SupervisorConfigTests
{
    private static string Render(params SupervisorProgram[] programs) => SupervisorConfig.Render(new SupervisorOptions { Programs = programs });

    private static Dictionary<string, Dictionary<string, string>> Sections(string ini)
    {
        var result = new Dictionary<string, Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in ini.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';')))
        {
            if (line.StartsWith('[')) result[line.Trim('[', ']')] = current = [];
            else { var eq = line.IndexOf('='); current![line[..eq]] = line[(eq + 1)..]; }
        }
        return result;
    }

    [Fact]
    public void WritesForegroundSupervisordWithASocketAndStdoutLogs()
    {
        var s = Sections(SupervisorConfig.Render(new SupervisorOptions { Programs = [new SupervisorProgram { Name = "web", Command = "nginx" }], SocketPath = "/run/app/s.sock", PidFile = "/run/app/s.pid" }));
        Assert.Equal(["unix_http_server", "supervisorctl", "rpcinterface:supervisor", "supervisord", "program:web"], s.Keys);
        Assert.Equal("/run/app/s.sock", s["unix_http_server"]["file"]);
        Assert.Equal("0700", s["unix_http_server"]["chmod"]);
        Assert.Equal("unix:///run/app/s.sock", s["supervisorctl"]["serverurl"]);
        Assert.Equal("supervisor.rpcinterface:make_main_rpcinterface", s["rpcinterface:supervisor"]["supervisor.rpcinterface_factory"]);
        Assert.Equal("true", s["supervisord"]["nodaemon"]);
        Assert.Equal("/dev/null", s["supervisord"]["logfile"]);
        Assert.Equal("/run/app/s.pid", s["supervisord"]["pidfile"]);
        var web = s["program:web"];
        Assert.Equal("nginx", web["command"]);
        Assert.Equal("true", web["autorestart"]);
        Assert.Equal("/dev/stdout", web["stdout_logfile"]);
        Assert.Equal("0", web["stdout_logfile_maxbytes"]);
        Assert.Equal("/dev/stderr", web["stderr_logfile"]);
        Assert.Equal("0", web["stderr_logfile_maxbytes"]);
        Assert.False(web.ContainsKey("startretries"));
        Assert.False(web.ContainsKey("priority"));
        Assert.False(web.ContainsKey("user"));
    }

    [Fact]
    public void WritesEveryProgramFieldEscaped()
    {
        var s = Sections(Render(new SupervisorProgram
        {
            Name = "worker-1", Command = "sh -c 'echo 100%; exec sleep 1'", Directory = "/srv/app", User = "app",
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello, world", ["PCT"] = "50%", ["JSON"] = "{\"a\":1}" },
            AutoRestart = "Unexpected", StartRetries = 5, Priority = -1,
        }))["program:worker-1"];
        Assert.Equal("sh -c 'echo 100%%; exec sleep 1'", s["command"]);
        Assert.Equal("/srv/app", s["directory"]);
        Assert.Equal("app", s["user"]);
        Assert.Equal("GREETING=\"hello, world\",PCT=\"50%%\",JSON='{\"a\":1}'", s["environment"]);
        Assert.Equal("unexpected", s["autorestart"]);
        Assert.Equal("5", s["startretries"]);
        Assert.Equal("-1", s["priority"]);
    }

    [Fact]
    public void ReadsProgramsFromMapsWithoutRegardToCase()
    {
        var p = SupervisorProgram.FromJson(JsonNode.Parse("""{"name":"a","COMMAND":"sleep 1","autorestart":false,"StartRetries":"2","Priority":7,"Environment":{"X":"1"}}"""));
        Assert.Equal(new SupervisorProgram { Name = "a", Command = "sleep 1", AutoRestart = "false", StartRetries = 2, Priority = 7, Environment = p.Environment }, p);
        Assert.Equal("1", p.Environment["X"]);
        Assert.Equal("false", Sections(Render(p))["program:a"]["autorestart"]);
    }

    [Theory]
    [InlineData("my app", "sleep 1", "-Program")]          // space in the name
    [InlineData("app[1]", "sleep 1", "-Program")]          // brackets
    [InlineData("a:b", "sleep 1", "-Program")]             // colon
    [InlineData("", "sleep 1", "-Program Name")]
    [InlineData("web", "", "-Program Command of 'web'")]
    [InlineData("web", "   ", "-Program Command of 'web'")]
    [InlineData("web", "sh -c 'a ; b'", "-Program Command of 'web'")]   // ' ;' starts an INI comment
    [InlineData("web", "run # now", "-Program Command of 'web'")]
    [InlineData("web", "a\nb", "-Program Command of 'web'")]
    public void RefusesBadNamesAndCommands(string name, string command, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => Render(new SupervisorProgram { Name = name, Command = command }));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void RefusesADuplicateProgramName()
    {
        var e = Assert.Throws<KoValidationException>(() => Render(new SupervisorProgram { Name = "web", Command = "a" }, new SupervisorProgram { Name = "Web", Command = "b" }));
        Assert.Contains("given twice", e.Message);
    }

    [Fact]
    public void RefusesNoPrograms() => Assert.Equal("-Program", Assert.Throws<KoValidationException>(() => Render()).Field);

    [Theory]
    [InlineData("Directory", "relative/dir")]
    [InlineData("User", "bad user")]
    [InlineData("AutoRestart", "always")]
    [InlineData("StartRetries", "-1")]
    [InlineData("EnvName", "1BAD")]
    [InlineData("EnvValue", "both ' and \"")]
    [InlineData("EnvValue", "\"quoted\"")]
    [InlineData("EnvValue", "x ;y")]
    public void RefusesBadFields(string what, string value)
    {
        var p = new SupervisorProgram { Name = "web", Command = "a" };
        p = what switch
        {
            "Directory" => p with { Directory = value },
            "User" => p with { User = value },
            "AutoRestart" => p with { AutoRestart = value },
            "StartRetries" => p with { StartRetries = int.Parse(value) },
            "EnvName" => p with { Environment = new Dictionary<string, string> { [value] = "1" } },
            _ => p with { Environment = new Dictionary<string, string> { ["SECRET"] = value } },
        };
        var e = Assert.Throws<KoValidationException>(() => Render(p));
        Assert.StartsWith("-Program", e.Field);
        if (what == "EnvValue") Assert.DoesNotContain(value, e.Message); // values may be secrets
    }

    [Theory]
    [InlineData("""{"Name":"a","Command":"b","Colour":"red"}""")]
    [InlineData("""{"Name":"a","Command":"b","Priority":"high"}""")]
    [InlineData("""{"Name":"a","Command":"b","Environment":"X=1"}""")]
    [InlineData("\"just text\"")]
    public void RefusesBadMaps(string json) =>
        Assert.StartsWith("-Program", Assert.Throws<KoValidationException>(() => SupervisorProgram.FromJson(JsonNode.Parse(json))).Field);

    [Theory]
    [InlineData("relative.sock")]
    [InlineData("/tmp/with space.sock")]
    public void RefusesBadSocketPaths(string path) =>
        Assert.Equal("-SocketPath", Assert.Throws<KoValidationException>(() => SupervisorConfig.Render(new SupervisorOptions { Programs = [new SupervisorProgram { Name = "a", Command = "b" }], SocketPath = path })).Field);
}
