module github.com/mydocker/mydocker/ch4-volumes

go 1.25.0

require (
	github.com/cyphar/filepath-securejoin v0.7.0
	github.com/moby/sys/mountinfo v0.7.3
	github.com/sirupsen/logrus v1.10.2
	github.com/stretchr/testify v1.12.1
	github.com/urfave/cli/v3 v3.14.0
	golang.org/x/sys v0.47.0
)

require (
	cyphar.com/go-pathrs v0.2.5 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
