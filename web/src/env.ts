import { defineEnvVars } from '@sveltejs/kit/env';

export const variables = defineEnvVars({
  TENANT_DOMAIN: {
    public: true,
    description:
      'Hosts of the form <tenant>.<TENANT_DOMAIN> name the tenant (acme.localhost). Empty: only /t/<tenant> paths.',
    schema: (value) => (value === undefined ? 'localhost' : value.trim().toLowerCase()),
  },
});
