// Validates Backstage entities with Backstage's own @backstage/catalog-model:
// the catalog's default entity policies, the kind validators of the built-in
// kinds, and parseEntityRef on every relation field. Reads a JSON array of
// entities on stdin; prints one JSON line per entity: {kind, name, errors}.
const model = require("@backstage/catalog-model");

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const validators = [
  model.componentEntityV1alpha1Validator,
  model.apiEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
];
const REF_FIELDS = ["owner", "system", "domain", "dependsOn", "providesApis", "consumesApis", "dependencyOf"];

async function check(entity) {
  const errors = [];
  try {
    const out = await policy.enforce(entity);
    if (!out) errors.push("rejected by the entity policies");
  } catch (e) {
    errors.push(`policy: ${e.message}`);
  }
  let known = false;
  for (const validator of validators) {
    try {
      if (await validator.check(entity)) known = true;
    } catch (e) {
      errors.push(`kind: ${e.message}`);
      known = true;
    }
  }
  if (!known) errors.push(`no validator knows ${entity.apiVersion} ${entity.kind}`);
  for (const field of REF_FIELDS) {
    const value = entity.spec && entity.spec[field];
    for (const ref of value === undefined ? [] : [].concat(value)) {
      try {
        model.parseEntityRef(ref);
      } catch (e) {
        errors.push(`${field}: ${e.message}`);
      }
    }
  }
  return { kind: entity.kind, name: entity.metadata && entity.metadata.name, errors };
}

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  for (const entity of JSON.parse(input)) {
    process.stdout.write(JSON.stringify(await check(entity)) + "\n");
  }
});
