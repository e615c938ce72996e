package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
)

// systemInfo is what docker info shows, with docker's field names, so
// that --format '{{.Containers}}', '{{.CgroupVersion}}' and the others
// docker users script with work.
type systemInfo struct {
	ID                string
	Containers        int
	ContainersRunning int
	ContainersPaused  int
	ContainersStopped int
	Images            int
	Driver            string
	DriverStatus      [][2]string
	LoggingDriver     string
	CgroupDriver      string
	CgroupVersion     string
	KernelVersion     string
	OperatingSystem   string
	OSType            string
	Architecture      string
	NCPU              int
	MemTotal          int64
	DockerRootDir     string
	Name              string
	ServerVersion     string
	SecurityOptions   []string
	Debug             bool
}

// infoCommand prints the system's information, as docker info.
func infoCommand() *cli.Command {
	return &cli.Command{
		Name:   "info",
		Usage:  "display system-wide information",
		Before: useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: `a Go template, such as '{{.Containers}}' or '{{json .}}'`},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			info, err := gatherInfo(cmd)
			if err != nil {
				return err
			}
			if f := cmd.String("format"); f != "" {
				return printTemplate(f, info)
			}
			printInfo(info)
			return nil
		},
	}
}

func gatherInfo(cmd *cli.Command) (systemInfo, error) {
	root := cmd.Root().String("root")
	states, _, err := reconcileAll(state.Store{Root: root})
	if err != nil {
		return systemInfo{}, err
	}
	images, err := imageStore(cmd).List()
	if err != nil {
		return systemInfo{}, err
	}
	var u unix.Utsname
	_ = unix.Uname(&u)
	hostname, _ := os.Hostname()
	info := systemInfo{
		Containers: len(states), Images: len(images),
		Driver: "overlay2", DriverStatus: [][2]string{{"Backing Filesystem", backingFS(root)}},
		LoggingDriver: "json-file", CgroupDriver: "cgroupfs", CgroupVersion: cgroupVersion(),
		KernelVersion: unix.ByteSliceToString(u.Release[:]), OperatingSystem: operatingSystem(),
		OSType: runtime.GOOS, Architecture: unix.ByteSliceToString(u.Machine[:]), NCPU: runtime.NumCPU(),
		MemTotal: memTotal(), DockerRootDir: root, Name: hostname, ServerVersion: version,
		SecurityOptions: []string{"name=seccomp,profile=builtin", "name=no-new-privileges", "name=cgroupns"},
		Debug:           cmd.Root().Bool("debug"),
	}
	for _, st := range states {
		switch {
		case st.Paused():
			info.ContainersPaused++
		case st.Running():
			info.ContainersRunning++
		default:
			info.ContainersStopped++
		}
	}
	return info, nil
}

func printInfo(info systemInfo) {
	commit, _ := buildStamp()
	fmt.Printf("Client:\n Version:    %s\n Context:    default\n Debug Mode: %t\n\n", version, info.Debug)
	fmt.Printf("Server:\n Containers: %d\n  Running: %d\n  Paused: %d\n  Stopped: %d\n Images: %d\n",
		info.Containers, info.ContainersRunning, info.ContainersPaused, info.ContainersStopped, info.Images)
	fmt.Printf(" Server Version: %s\n Storage Driver: %s\n", info.ServerVersion, info.Driver)
	for _, kv := range info.DriverStatus {
		fmt.Printf("  %s: %s\n", kv[0], kv[1])
	}
	fmt.Printf(" Logging Driver: %s\n Cgroup Driver: %s\n Cgroup Version: %s\n", info.LoggingDriver, info.CgroupDriver, info.CgroupVersion)
	fmt.Printf(" Security Options:\n")
	for _, opt := range info.SecurityOptions {
		name, rest, _ := strings.Cut(strings.TrimPrefix(opt, "name="), ",")
		fmt.Printf("  %s\n", name)
		if p, ok := strings.CutPrefix(rest, "profile="); ok {
			fmt.Printf("   Profile: %s\n", p)
		}
	}
	fmt.Printf(" Kernel Version: %s\n Operating System: %s\n OSType: %s\n Architecture: %s\n CPUs: %d\n Total Memory: %s\n",
		info.KernelVersion, info.OperatingSystem, info.OSType, info.Architecture, info.NCPU, units.BytesSize(float64(info.MemTotal)))
	fmt.Printf(" Name: %s\n Docker Root Dir: %s\n Debug Mode: %t\n Git Commit: %s\n", info.Name, info.DockerRootDir, info.Debug, commit)
}

// cgroupVersion is "2" on a machine with only cgroup v2, "1" otherwise
// (a hybrid host's containers are limited through v1), as docker says.
func cgroupVersion() string {
	if unified, err := cgroups.IsCgroup2UnifiedMode(); err == nil && unified {
		return "2"
	}
	return "1"
}

// backingFS names the filesystem under --root as docker does: extfs,
// xfs, btrfs, tmpfs, or its magic number.
func backingFS(root string) string {
	var st unix.Statfs_t
	if unix.Statfs(root, &st) != nil {
		return "unknown"
	}
	switch st.Type {
	case unix.EXT4_SUPER_MAGIC:
		return "extfs"
	case unix.XFS_SUPER_MAGIC:
		return "xfs"
	case unix.BTRFS_SUPER_MAGIC:
		return "btrfs"
	case unix.TMPFS_MAGIC:
		return "tmpfs"
	case unix.OVERLAYFS_SUPER_MAGIC:
		return "overlayfs"
	}
	return fmt.Sprintf("<unknown (%#x)>", st.Type)
}

// operatingSystem is os-release's PRETTY_NAME, as docker's.
func operatingSystem() string {
	for _, path := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
				if unq, err := strconv.Unquote(v); err == nil {
					return unq
				}
				return strings.Trim(v, `"'`)
			}
		}
	}
	return "Linux"
}

// memTotal is the machine's memory in bytes, /proc/meminfo's MemTotal.
func memTotal() int64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}
