import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';

/** GOST key parameters as RFC 9215 writes them: the curve, then the digest (the directory and the gateway read them). */
@AsnType({ type: AsnTypeTypes.Sequence })
export class GostKeyParameters {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) publicKeyParamSet = '';
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier, optional: true }) digestParamSet?: string;
}
