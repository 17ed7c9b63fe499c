/**
 * Public identifiers the client side needs (kubelogin docs concepts/aks.md). Kept here rather than imported
 * from the server's scenario code, so the client cannot lean on simulator internals.
 */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630'
export const AKS_CLIENT_APP_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a'
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
/** The resource `az` signs in to: ARM with a trailing slash (the token audience ARM prefers). */
export const ARM_RESOURCE = 'https://management.azure.com/'
export const DEFAULT_ENVIRONMENT = 'AzurePublicCloud'
/** How a kubeconfig written by the simulator tells the plugin where the simulator's state lives. */
export const STATE_DIR_ENV = 'AKS_AUTH_SIM_STATE_DIR'
export const EXEC_API_V1BETA1 = 'client.authentication.k8s.io/v1beta1'
export const EXEC_API_V1 = 'client.authentication.k8s.io/v1'
/** api-versions the CLI sends (what az 2.7x sends). */
export const AKS_API_VERSION = '2024-09-01'
export const AUTHORIZATION_API_VERSION = '2022-04-01'
