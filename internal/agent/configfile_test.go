package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadConfigFileKeepsTheEnvironmentOut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("cloud:\n  url: https://cloud.example\ndefaults:\n  auto_push: false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLONIT_CLOUD__API_KEY", "clonit_secretfromtheenvironment")
	t.Setenv("CLONIT_CLOUD__URL", "https://elsewhere.example")
	cfg, err := ReadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Cloud.AgentID = "ag1"
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{"url: https://cloud.example", "agent_id: ag1", "auto_push: false"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved config lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "secretfromtheenvironment") || strings.Contains(string(data), "elsewhere") {
		t.Errorf("saved config holds values of the environment:\n%s", data)
	}

	missing, err := ReadConfigFile(filepath.Join(dir, "none.yaml"))
	if err != nil || !missing.Defaults.AutoPush || missing.Cloud != (Cloud{}) {
		t.Errorf("ReadConfigFile(missing) = %+v, %v; want an empty config with auto_push", missing, err)
	}
}
