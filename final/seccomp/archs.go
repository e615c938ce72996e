package seccomp

import (
	"fmt"
	"strings"

	libseccomp "github.com/seccomp/libseccomp-golang"
)

// archNames are the architectures a profile may name, as runc lists them;
// Archs keeps those this libseccomp knows.
var archNames = []string{"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",
	"SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"}

// Archs lists the architectures a profile's filter can be compiled for
// here (features' linux.seccomp.archs).
func Archs() []string {
	var list []string
	for _, name := range archNames {
		if _, err := libseccomp.GetArchFromString(strings.ToLower(strings.TrimPrefix(name, "SCMP_ARCH_"))); err == nil {
			list = append(list, name)
		}
	}
	return list
}

// LibraryVersion is the version of the libseccomp the filters are
// compiled with ("2.5.4"), for features' annotations as runc gives it.
func LibraryVersion() string {
	major, minor, micro := libseccomp.GetLibraryVersion()
	return fmt.Sprintf("%d.%d.%d", major, minor, micro)
}
