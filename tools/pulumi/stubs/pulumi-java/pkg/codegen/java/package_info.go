// Package java stands in for pulumi-java's code generator in the docker-build provider
// build (see ../../../../../workarounds.txt): the provider only puts a PackageInfo value in
// the "java" entry of its schema's language metadata. The fields and JSON names match
// pulumi-java's PackageInfo, so the schema the provider serves is unchanged.
package java

// PackageInfo is the "java" language section of a Pulumi package schema.
type PackageInfo struct {
	Packages                        map[string]string `json:"packages,omitempty"`
	BasePackage                     string            `json:"basePackage"`
	BuildFiles                      string            `json:"buildFiles"`
	Repositories                    []string          `json:"repositories,omitempty"`
	Dependencies                    map[string]string `json:"dependencies,omitempty"`
	GradleNexusPublishPluginVersion string            `json:"gradleNexusPublishPluginVersion"`
	GradleTest                      string            `json:"gradleTest"`
}
