// Package codegen stands in for pulumi-dotnet's code generator in the docker-build provider
// build (see ../../../workarounds.txt): the provider only puts a CSharpPackageInfo value in
// the "csharp" entry of its schema's language metadata. The fields and JSON names match
// pulumi-dotnet's CSharpPackageInfo, so the schema the provider serves is unchanged.
package codegen

// CSharpPackageInfo is the "csharp" language section of a Pulumi package schema.
type CSharpPackageInfo struct {
	PackageReferences            map[string]string `json:"packageReferences,omitempty"`
	Namespaces                   map[string]string `json:"namespaces,omitempty"`
	Compatibility                string            `json:"compatibility,omitempty"`
	DictionaryConstructors       bool              `json:"dictionaryConstructors,omitempty"`
	ProjectReferences            []string          `json:"projectReferences,omitempty"`
	LiftSingleValueMethodReturns bool              `json:"liftSingleValueMethodReturns,omitempty"`
	RootNamespace                string            `json:"rootNamespace,omitempty"`
	RespectSchemaVersion         bool              `json:"respectSchemaVersion,omitempty"`
}
