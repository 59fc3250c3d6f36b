import { DomainError } from '@cargohold/common';

/** What the virtual registry and dependency proxy configuration refuses (GitLab's model validation: 400 per field). */
export class VirtualRegistryError extends DomainError<'NOT_FOUND' | 'INVALID' | 'BAD_REQUEST'> {
  static notFound(what: string): VirtualRegistryError {
    return new VirtualRegistryError('NOT_FOUND', `${what} Not Found`);
  }

  /** A model validation failure about `field`: `{"message": {"<field>": ["<message>"]}}`. */
  static invalid(field: string, message: string): VirtualRegistryError {
    return new VirtualRegistryError('INVALID', message, { field });
  }
}
