import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A content descriptor, snake_case; `annotations` only when there are some. */
export class DescriptorEntity {
  @ApiProperty() digest!: string;
  @ApiProperty() media_type!: string;
  @ApiProperty() size!: number;
  @ApiPropertyOptional() artifact_type?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) annotations?: Record<string, string>;
}

class PlatformEntity {
  @ApiProperty() os!: string;
  @ApiProperty() architecture!: string;
  @ApiPropertyOptional() variant?: string;
  @ApiPropertyOptional() os_version?: string;
}

/** An entry of an image index: a descriptor with the platform it is for. */
export class IndexEntryEntity extends DescriptorEntity {
  @ApiProperty({ type: PlatformEntity, nullable: true }) platform!: PlatformEntity | null;
}

/** A platform of an index, with what the child manifest holds when the view read it. */
export class PlatformDetailsEntity extends IndexEntryEntity {
  @ApiProperty({ type: DescriptorEntity, nullable: true }) config!: DescriptorEntity | null;
  @ApiProperty({ type: [DescriptorEntity], description: 'The listed layers: a bounded view may list fewer than `layers_count`.' }) layers!: DescriptorEntity[];
  @ApiProperty({ type: Number, nullable: true }) layers_count!: number | null;
  @ApiProperty() total_size!: number;
  @ApiProperty({ description: 'False when the child was not read (absent, or past the view’s limits).' }) loaded!: boolean;
}

/** A referrer (signature, SBOM): always with `artifact_type` (null when none) and `annotations`. */
export class ReferrerEntity {
  @ApiProperty() digest!: string;
  @ApiProperty() media_type!: string;
  @ApiProperty({ type: String, nullable: true }) artifact_type!: string | null;
  @ApiProperty() size!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) annotations!: Record<string, string>;
}

class ManifestLimitsEntity {
  @ApiProperty() children!: number;
  @ApiProperty() descriptors!: number;
  @ApiProperty() child_manifest_bytes!: number;
  @ApiProperty() referrers!: number;
}

/** The tag page's view of a tag (ours, docs/api.md): the manifest, an index's platforms, referrers, the raw manifest. */
export class TagManifestEntity {
  @ApiProperty() name!: string;
  @ApiProperty() path!: string;
  @ApiProperty() location!: string;
  @ApiProperty() digest!: string;
  @ApiProperty({ description: 'The manifest’s bytes.' }) size!: number;
  @ApiProperty() total_size!: number;
  @ApiProperty() media_type!: string;
  @ApiPropertyOptional() artifact_type?: string;
  @ApiProperty({ type: DescriptorEntity, nullable: true }) config!: DescriptorEntity | null;
  @ApiProperty({ type: [DescriptorEntity] }) layers!: DescriptorEntity[];
  @ApiProperty() layers_count!: number;
  @ApiProperty({ type: [IndexEntryEntity] }) manifests!: IndexEntryEntity[];
  @ApiProperty() manifests_count!: number;
  @ApiPropertyOptional() subject?: DescriptorEntity;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) annotations?: Record<string, string>;
  @ApiProperty({ type: [PlatformDetailsEntity] }) platforms!: PlatformDetailsEntity[];
  @ApiProperty({ type: [ReferrerEntity] }) referrers!: ReferrerEntity[];
  @ApiProperty({ description: 'True when a list was cut or a child left unread (see `limits`).' }) truncated!: boolean;
  @ApiProperty() limits!: ManifestLimitsEntity;
  @ApiProperty() pull_command!: string;
  @ApiProperty() pull_by_digest!: string;
  @ApiProperty() can_delete!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The manifest as stored, parsed.' }) raw!: unknown;
}
