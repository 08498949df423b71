/**
 * Column and table definitions of the synthetic catalogue: the real names,
 * datatypes, units, UCDs and descriptions of the Gaia DR3 columns it
 * imitates (gaia_source's taken from a real archive answer, the fixture
 * `1714556098855O-result.vot`), plus the esatapplus flags and indexes the
 * archive's TAP+ `tables` endpoint shows.
 *
 * @module
 */

/** VOTable datatypes the catalogue uses. */
export type ColumnDatatype =
  | "boolean"
  | "unsignedByte"
  | "short"
  | "int"
  | "long"
  | "float"
  | "double"
  | "char";

/** One column of a catalogue table. */
export interface ColumnDef {
  /** Column name, as the real archive spells it. */
  name: string;
  /** VOTable datatype. */
  datatype: ColumnDatatype;
  /** VOTable arraysize (`*` for strings). */
  arraysize?: string;
  /** Unit in the archive's style (`mas.yr**-1`, `'dex'`). */
  unit?: string;
  /** Unified Content Descriptor. */
  ucd?: string;
  /** Utype. */
  utype?: string;
  /** The real archive's description. */
  description: string;
  /** esatapplus flags: 1 Ra, 2 Dec, 4 Flux, 8 Mag, 16 PK. */
  flags?: number;
  /** Whether the archive indexes this column. */
  indexed?: boolean;
  /** Whether TAP_SCHEMA marks it principal. */
  principal?: boolean;
}

/** One catalogue table. */
export interface TableDef {
  /** Schema name, e.g. `gaiadr3`. */
  schema: string;
  /** Unqualified table name, e.g. `gaia_source`. */
  name: string;
  /** Table description (labelled synthetic). */
  description: string;
  /** Columns in the real archive's order. */
  columns: ColumnDef[];
}

/** The label every synthetic table description carries. */
export const SYNTHETIC_NOTE = "(deno-gaia local archive; not real Gaia data)";

/** `solution_id` of every synthetic gaia_source row (the real DR3 value). */
export const GAIA_SOURCE_SOLUTION_ID = 1636148068921376768n;

/** Columns of `gaiadr3.gaia_source` (a subset of the real 152, in their real order). */
export const GAIA_SOURCE_COLUMNS: ColumnDef[] = [
  {
    name: "solution_id",
    datatype: "long",
    ucd: "meta.version",
    description: "Solution Identifier",
  },
  {
    name: "designation",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.id;meta.main",
    description: "Unique source designation (unique across all Data Releases)",
    principal: true,
  },
  {
    name: "source_id",
    datatype: "long",
    ucd: "meta.id",
    description: "Unique source identifier (unique within a particular Data Release)",
    flags: 16,
    indexed: true,
    principal: true,
  },
  {
    name: "random_index",
    datatype: "long",
    ucd: "meta.code",
    description: "Random index for use when selecting subsets",
    indexed: true,
  },
  {
    name: "ref_epoch",
    datatype: "double",
    unit: "yr",
    ucd: "meta.ref;time.epoch",
    utype: "stc:AstroCoords.Time.TimeInstant",
    description: "Reference epoch",
  },
  {
    name: "ra",
    datatype: "double",
    unit: "deg",
    ucd: "pos.eq.ra;meta.main",
    utype: "stc:AstroCoords.Position3D.Value3.C1",
    description: "Right ascension",
    flags: 1,
    indexed: true,
    principal: true,
  },
  {
    name: "ra_error",
    datatype: "float",
    unit: "mas",
    ucd: "stat.error;pos.eq.ra",
    utype: "stc:AstroCoords.Position3D.Error3.C1",
    description: "Standard error of right ascension",
  },
  {
    name: "dec",
    datatype: "double",
    unit: "deg",
    ucd: "pos.eq.dec;meta.main",
    utype: "stc:AstroCoords.Position3D.Value3.C2",
    description: "Declination",
    flags: 2,
    indexed: true,
    principal: true,
  },
  {
    name: "dec_error",
    datatype: "float",
    unit: "mas",
    ucd: "stat.error;pos.eq.dec",
    utype: "stc:AstroCoords.Position3D.Error3.C2",
    description: "Standard error of declination",
  },
  {
    name: "parallax",
    datatype: "double",
    unit: "mas",
    ucd: "pos.parallax.trig",
    description: "Parallax",
    indexed: true,
    principal: true,
  },
  {
    name: "parallax_error",
    datatype: "float",
    unit: "mas",
    ucd: "stat.error;pos.parallax.trig",
    description: "Standard error of parallax",
  },
  {
    name: "parallax_over_error",
    datatype: "float",
    ucd: "stat.snr;pos.parallax.trig",
    description: "Parallax divided by its standard error",
  },
  {
    name: "pm",
    datatype: "float",
    unit: "mas.yr**-1",
    ucd: "pos.pm;pos.eq",
    description: "Total proper motion",
  },
  {
    name: "pmra",
    datatype: "double",
    unit: "mas.yr**-1",
    ucd: "pos.pm;pos.eq.ra",
    utype: "stc:AstroCoords.Velocity3D.Value3.C1",
    description: "Proper motion in right ascension direction",
    principal: true,
  },
  {
    name: "pmra_error",
    datatype: "float",
    unit: "mas.yr**-1",
    ucd: "stat.error;pos.pm;pos.eq.ra",
    utype: "stc:AstroCoords.Velocity3D.Error3.C1",
    description: "Standard error of proper motion in right ascension direction",
  },
  {
    name: "pmdec",
    datatype: "double",
    unit: "mas.yr**-1",
    ucd: "pos.pm;pos.eq.dec",
    utype: "stc:AstroCoords.Velocity3D.Value3.C2",
    description: "Proper motion in declination direction",
    principal: true,
  },
  {
    name: "pmdec_error",
    datatype: "float",
    unit: "mas.yr**-1",
    ucd: "stat.error;pos.pm;pos.eq.dec",
    utype: "stc:AstroCoords.Velocity3D.Error3.C2",
    description: "Standard error of proper motion in declination direction",
  },
  {
    name: "ra_dec_corr",
    datatype: "float",
    ucd: "stat.correlation",
    description: "Correlation between right ascension and declination",
  },
  {
    name: "ra_parallax_corr",
    datatype: "float",
    ucd: "stat.correlation",
    description: "Correlation between right ascension and parallax",
  },
  {
    name: "dec_parallax_corr",
    datatype: "float",
    ucd: "stat.correlation",
    description: "Correlation between declination and parallax",
  },
  {
    name: "parallax_pmra_corr",
    datatype: "float",
    ucd: "stat.correlation",
    description: "Correlation between parallax and proper motion in right ascension",
  },
  {
    name: "parallax_pmdec_corr",
    datatype: "float",
    ucd: "stat.correlation",
    description: "Correlation between parallax and proper motion in declination",
  },
  {
    name: "pmra_pmdec_corr",
    datatype: "float",
    ucd: "stat.correlation",
    description:
      "Correlation between proper motion in right ascension and proper motion in declination",
  },
  {
    name: "astrometric_n_obs_al",
    datatype: "short",
    ucd: "meta.number",
    description: "Total number of observations in the along-scan (AL) direction",
  },
  {
    name: "astrometric_n_good_obs_al",
    datatype: "short",
    ucd: "meta.number",
    description: "Number of good observations in the along-scan (AL) direction",
  },
  {
    name: "astrometric_excess_noise",
    datatype: "float",
    unit: "mas",
    ucd: "stat.value",
    description: "Excess noise of the source",
  },
  {
    name: "astrometric_excess_noise_sig",
    datatype: "float",
    ucd: "stat.value",
    description: "Significance of excess noise",
  },
  {
    name: "astrometric_params_solved",
    datatype: "short",
    ucd: "meta.number",
    description: "Which parameters have been solved for?",
  },
  {
    name: "nu_eff_used_in_astrometry",
    datatype: "float",
    unit: "um**-1",
    ucd: "em.wavenumber",
    description: "Effective wavenumber of the source used in the astrometric solution",
  },
  {
    name: "pseudocolour",
    datatype: "float",
    unit: "um**-1",
    ucd: "em.wavenumber",
    description: "Astrometrically estimated pseudocolour of the source",
  },
  {
    name: "visibility_periods_used",
    datatype: "short",
    ucd: "meta.number",
    description: "Number of visibility periods used in Astrometric solution",
  },
  {
    name: "astrometric_sigma5d_max",
    datatype: "float",
    unit: "mas",
    ucd: "stat;pos.errorEllipse",
    description: "The longest semi-major axis of the 5-d error ellipsoid",
  },
  {
    name: "ipd_frac_multi_peak",
    datatype: "short",
    ucd: "stat.value",
    description: "Percent of successful-IPD windows with more than one peak",
  },
  {
    name: "ruwe",
    datatype: "float",
    ucd: "stat.error",
    description: "Renormalised unit weight error",
  },
  {
    name: "duplicated_source",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Source with multiple source identifiers",
  },
  {
    name: "phot_g_n_obs",
    datatype: "short",
    ucd: "meta.number",
    description: "Number of observations contributing to G photometry",
  },
  {
    name: "phot_g_mean_flux",
    datatype: "double",
    unit: "'electron'.s**-1",
    ucd: "phot.flux;em.opt",
    description: "G-band mean flux",
  },
  {
    name: "phot_g_mean_flux_error",
    datatype: "float",
    unit: "'electron'.s**-1",
    ucd: "stat.error;phot.flux;em.opt",
    description: "Error on G-band mean flux",
  },
  {
    name: "phot_g_mean_flux_over_error",
    datatype: "float",
    ucd: "stat.snr;phot.flux;em.opt",
    description: "G-band mean flux divided by its error",
  },
  {
    name: "phot_g_mean_mag",
    datatype: "float",
    unit: "mag",
    ucd: "phot.mag;em.opt",
    description: "G-band mean magnitude",
    flags: 8,
    indexed: true,
    principal: true,
  },
  {
    name: "phot_bp_n_obs",
    datatype: "short",
    ucd: "meta.number",
    description: "Number of observations contributing to BP photometry",
  },
  {
    name: "phot_bp_mean_flux",
    datatype: "double",
    unit: "'electron'.s**-1",
    ucd: "phot.flux;em.opt.B",
    description: "Integrated BP mean flux",
  },
  {
    name: "phot_bp_mean_flux_error",
    datatype: "float",
    unit: "'electron'.s**-1",
    ucd: "stat.error;phot.flux;em.opt.B",
    description: "Error on the integrated BP mean flux",
  },
  {
    name: "phot_bp_mean_flux_over_error",
    datatype: "float",
    ucd: "stat.snr;phot.flux;em.opt.B",
    description: "Integrated BP mean flux divided by its error",
  },
  {
    name: "phot_bp_mean_mag",
    datatype: "float",
    unit: "mag",
    ucd: "phot.mag;em.opt.B",
    description: "Integrated BP mean magnitude",
  },
  {
    name: "phot_rp_n_obs",
    datatype: "short",
    ucd: "meta.number",
    description: "Number of observations contributing to RP photometry",
  },
  {
    name: "phot_rp_mean_flux",
    datatype: "double",
    unit: "'electron'.s**-1",
    ucd: "phot.flux;em.opt.R",
    description: "Integrated RP mean flux",
  },
  {
    name: "phot_rp_mean_flux_error",
    datatype: "float",
    unit: "'electron'.s**-1",
    ucd: "stat.error;phot.flux;em.opt.R",
    description: "Error on the integrated RP mean flux",
  },
  {
    name: "phot_rp_mean_flux_over_error",
    datatype: "float",
    ucd: "stat.snr;phot.flux;em.opt.R",
    description: "Integrated RP mean flux divided by its error",
  },
  {
    name: "phot_rp_mean_mag",
    datatype: "float",
    unit: "mag",
    ucd: "phot.mag;em.opt.R",
    description: "Integrated RP mean magnitude",
  },
  {
    name: "phot_bp_rp_excess_factor",
    datatype: "float",
    ucd: "arith.factor;phot.flux;em.opt",
    description: "BP/RP excess factor",
  },
  {
    name: "bp_rp",
    datatype: "float",
    unit: "mag",
    ucd: "phot.color;em.opt.B;em.opt.R",
    description: "BP - RP colour",
    principal: true,
  },
  {
    name: "bp_g",
    datatype: "float",
    unit: "mag",
    ucd: "phot.color;em.opt.B;em.opt",
    description: "BP - G colour",
  },
  {
    name: "g_rp",
    datatype: "float",
    unit: "mag",
    ucd: "phot.color;em.opt;em.opt.R",
    description: "G - RP colour",
  },
  {
    name: "radial_velocity",
    datatype: "float",
    unit: "km.s**-1",
    ucd: "spect.dopplerVeloc.opt;em.opt.I",
    utype: "stc:AstroCoords.Velocity3D.Value3.C3",
    description: "Radial velocity",
    principal: true,
  },
  {
    name: "radial_velocity_error",
    datatype: "float",
    unit: "km.s**-1",
    ucd: "stat.error;spect.dopplerVeloc.opt;em.opt.I",
    utype: "stc:AstroCoords.Velocity3D.Error3.C3",
    description: "Radial velocity error",
  },
  {
    name: "rv_nb_transits",
    datatype: "short",
    ucd: "meta.number",
    description: "Number of transits used to compute the radial velocity",
  },
  {
    name: "grvs_mag",
    datatype: "float",
    unit: "mag",
    ucd: "phot.mag;em.opt",
    utype: "stc:AstroCoords.Velocity3D.Value3.C3",
    description: "Integrated Grvs magnitude",
  },
  {
    name: "phot_variable_flag",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.code;src.var",
    description: "Photometric variability flag",
  },
  {
    name: "l",
    datatype: "double",
    unit: "deg",
    ucd: "pos.galactic.lon",
    utype: "stc:AstroCoords.Position2D.Value2.C1",
    description: "Galactic longitude",
  },
  {
    name: "b",
    datatype: "double",
    unit: "deg",
    ucd: "pos.galactic.lat",
    utype: "stc:AstroCoords.Position2D.Value2.C2",
    description: "Galactic latitude",
  },
  {
    name: "ecl_lon",
    datatype: "double",
    unit: "deg",
    ucd: "pos.ecliptic.lon",
    utype: "stc:AstroCoords.Position2D.Value2.C1",
    description: "Ecliptic longitude",
  },
  {
    name: "ecl_lat",
    datatype: "double",
    unit: "deg",
    ucd: "pos.ecliptic.lat",
    utype: "stc:AstroCoords.Position2D.Value2.C2",
    description: "Ecliptic latitude",
  },
  {
    name: "in_qso_candidates",
    datatype: "boolean",
    ucd: "meta.code.status",
    description:
      "Flag indicating the availability of additional information in the QSO candidates table",
  },
  {
    name: "in_galaxy_candidates",
    datatype: "boolean",
    ucd: "meta.code.status",
    description:
      "Flag indicating the availability of additional information in the galaxy candidates table",
  },
  {
    name: "non_single_star",
    datatype: "short",
    ucd: "meta.code.status",
    description:
      "Flag indicating the availability of additional information in the various Non-Single Star tables",
  },
  {
    name: "has_xp_continuous",
    datatype: "boolean",
    ucd: "meta.code.status",
    description:
      "Flag indicating the availability of mean BP/RP spectrum in continuous representation for this source",
  },
  {
    name: "has_xp_sampled",
    datatype: "boolean",
    ucd: "meta.code.status",
    description:
      "Flag indicating the availability of mean BP/RP spectrum in sampled form for this source",
  },
  {
    name: "has_rvs",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Flag indicating the availability of mean RVS spectrum for this source",
  },
  {
    name: "has_epoch_photometry",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Flag indicating the availability of epoch photometry for this source",
  },
  {
    name: "has_epoch_rv",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Flag indicating the availability of epoch radial velocity for this source",
  },
  {
    name: "has_mcmc_gspphot",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Flag indicating the availability of GSP-Phot MCMC samples for this source",
  },
  {
    name: "has_mcmc_msc",
    datatype: "boolean",
    ucd: "meta.code.status",
    description: "Flag indicating the availability of MSC MCMC samples for this source",
  },
  {
    name: "classprob_dsc_combmod_quasar",
    datatype: "float",
    ucd: "stat.probability",
    description:
      "Probability from DSC-Combmod of being a quasar (data used: BP/RP spectrum, photometry, astrometry)",
  },
  {
    name: "classprob_dsc_combmod_galaxy",
    datatype: "float",
    ucd: "stat.probability",
    description:
      "Probability from DSC-Combmod of being a galaxy (data used: BP/RP spectrum, photometry, astrometry)",
  },
  {
    name: "classprob_dsc_combmod_star",
    datatype: "float",
    ucd: "stat.probability",
    description:
      "Probability from DSC-Combmod of being a single star (but not a white dwarf) (data used: BP/RP spectrum, photometry, astrometry)",
  },
  {
    name: "teff_gspphot",
    datatype: "float",
    unit: "K",
    ucd: "phys.temperature.effective",
    description: "Effective temperature from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "logg_gspphot",
    datatype: "float",
    unit: "log(cm.s**-2)",
    ucd: "phys.gravity",
    description: "Surface gravity from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "mh_gspphot",
    datatype: "float",
    unit: "'dex'",
    ucd: "phys.abund.Z",
    description: "Iron abundance from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "distance_gspphot",
    datatype: "float",
    unit: "pc",
    ucd: "pos.distance;pos.eq",
    description: "Distance from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "azero_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phys.absorption;em.opt",
    description:
      "Monochromatic extinction $A_0$ at 547.7nm from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "ag_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phys.absorption;em.opt",
    description: "Extinction in G band from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "ebpminrp_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phot.color.excess",
    description:
      "Reddening $E(G_{\\rm BP} - G_{\\rm RP})$ from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "libname_gspphot",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.note",
    description:
      "Name of library that achieves the highest mean log-posterior in MCMC samples and was used to derive GSP-Phot parameters in this table",
  },
];

const SOURCE_ID: ColumnDef = {
  name: "source_id",
  datatype: "long",
  ucd: "meta.id;meta.main",
  description: "Unique source identifier (unique within a particular Data Release)",
  flags: 16,
  indexed: true,
  principal: true,
};
const SOLUTION_ID: ColumnDef = {
  name: "solution_id",
  datatype: "long",
  ucd: "meta.version",
  description: "Solution Identifier",
};

function mag(name: string, description: string, ucd = "phot.mag;em.opt.G"): ColumnDef {
  return { name, datatype: "float", unit: "mag", ucd, description };
}

/** Columns of `gaiadr3.vari_summary` (subset, real names). */
export const VARI_SUMMARY_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  {
    name: "num_selected_g_fov",
    datatype: "short",
    ucd: "meta.number",
    description: "Total number of G FoV observations selected",
  },
  {
    name: "mean_obs_time_g_fov",
    datatype: "double",
    unit: "d",
    ucd: "time.epoch;stat.mean",
    description: "Mean observation time for G FoV transits (BJD - 2455197.5 days)",
  },
  {
    name: "time_duration_g_fov",
    datatype: "float",
    unit: "d",
    ucd: "time.duration",
    description: "Time duration of the time series for G FoV transits",
  },
  mag("min_mag_g_fov", "Minimum G FoV magnitude", "phot.mag;stat.min;em.opt"),
  mag("max_mag_g_fov", "Maximum G FoV magnitude", "phot.mag;stat.max;em.opt"),
  mag("mean_mag_g_fov", "Mean G FoV magnitude", "phot.mag;stat.mean;em.opt"),
  mag("median_mag_g_fov", "Median G FoV magnitude", "phot.mag;stat.median;em.opt"),
  mag(
    "range_mag_g_fov",
    "Difference between the highest and lowest G FoV magnitude",
    "phot.mag;arith.diff;em.opt",
  ),
  mag(
    "std_dev_mag_g_fov",
    "Square root of the unweighted G FoV magnitude variance",
    "stat.stdev;phot.mag;em.opt",
  ),
  {
    name: "skewness_mag_g_fov",
    datatype: "float",
    ucd: "stat.param;phot.mag;em.opt",
    description: "Standardized unweighted G FoV magnitude skewness",
  },
  {
    name: "kurtosis_mag_g_fov",
    datatype: "float",
    ucd: "stat.param;phot.mag;em.opt",
    description: "Standardized unweighted G FoV magnitude kurtosis",
  },
  mag(
    "mad_mag_g_fov",
    "Median Absolute Deviation (MAD) of G FoV magnitudes",
    "stat.value;phot.mag;em.opt",
  ),
  {
    name: "abbe_mag_g_fov",
    datatype: "float",
    ucd: "stat.param;phot.mag;em.opt",
    description: "Abbe value for G FoV magnitudes",
  },
  {
    name: "num_selected_bp",
    datatype: "short",
    ucd: "meta.number",
    description: "Total number of BP observations selected",
  },
  mag("mean_mag_bp", "Mean BP magnitude", "phot.mag;stat.mean;em.opt.B"),
  mag(
    "std_dev_mag_bp",
    "Square root of the unweighted BP magnitude variance",
    "stat.stdev;phot.mag;em.opt.B",
  ),
  {
    name: "num_selected_rp",
    datatype: "short",
    ucd: "meta.number",
    description: "Total number of RP observations selected",
  },
  mag("mean_mag_rp", "Mean RP magnitude", "phot.mag;stat.mean;em.opt.R"),
  mag(
    "std_dev_mag_rp",
    "Square root of the unweighted RP magnitude variance",
    "stat.stdev;phot.mag;em.opt.R",
  ),
  ...[
    [
      "in_vari_classification_result",
      "Flag indicating that the source is present in the gaiadr3.vari_classifier_result table",
    ],
    [
      "in_vari_rrlyrae",
      "Flag indicating that the source is present in the gaiadr3.vari_rrlyrae table",
    ],
    [
      "in_vari_cepheid",
      "Flag indicating that the source is present in the gaiadr3.vari_cepheid table",
    ],
    [
      "in_vari_eclipsing_binary",
      "Flag indicating that the source is present in the gaiadr3.vari_eclipsing_binary table",
    ],
    [
      "in_vari_long_period_variable",
      "Flag indicating that the source is present in the gaiadr3.vari_long_period_variable table",
    ],
    [
      "in_vari_ms_oscillator",
      "Flag indicating that the source is present in the gaiadr3.vari_ms_oscillator table",
    ],
    [
      "in_vari_rotation_modulation",
      "Flag indicating that the source is present in the gaiadr3.vari_rotation_modulation table",
    ],
  ].map(([name, description]): ColumnDef => ({
    name,
    datatype: "boolean",
    ucd: "meta.code",
    description,
  })),
];

/** Columns of `gaiadr3.vari_classifier_result`. */
export const VARI_CLASSIFIER_RESULT_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  {
    name: "classifier_name",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.id",
    description: "Name of the classifier",
  },
  {
    name: "best_class_name",
    datatype: "char",
    arraysize: "*",
    ucd: "src.class",
    description: "Name of best class (see table vari_classifier_class_definition for details)",
  },
  {
    name: "best_class_score",
    datatype: "float",
    ucd: "stat.probability",
    description: "Score of the best class",
  },
];

/** Columns of `gaiadr3.vari_rrlyrae` (subset). */
export const VARI_RRLYRAE_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  {
    name: "pf",
    datatype: "double",
    unit: "d",
    ucd: "src.var.pulse;time.period",
    description: "Fundamental period (RRab or RRd stars)",
  },
  {
    name: "pf_error",
    datatype: "float",
    unit: "d",
    ucd: "stat.error;src.var.pulse;time.period",
    description: "Uncertainty on the pf period",
  },
  {
    name: "p1_o",
    datatype: "double",
    unit: "d",
    ucd: "src.var.pulse;time.period",
    description: "First-overtone period (RRc or RRd stars)",
  },
  {
    name: "p1_o_error",
    datatype: "float",
    unit: "d",
    ucd: "stat.error;src.var.pulse;time.period",
    description: "Uncertainty on the p1_o period",
  },
  {
    name: "epoch_g",
    datatype: "double",
    unit: "d",
    ucd: "time.epoch;phot.mag;stat.max",
    description: "Epoch of the maximum of the light curve in the G band (BJD - 2455197.5 days)",
  },
  mag("int_average_g", "Intensity-averaged magnitude in the G band", "phot.mag;stat.mean;em.opt"),
  mag(
    "peak_to_peak_g",
    "Peak-to-peak amplitude of the G band light curve",
    "src.var.amplitude;em.opt",
  ),
  {
    name: "best_classification",
    datatype: "char",
    arraysize: "*",
    ucd: "src.class",
    description: "Best RR Lyrae classification estimate out of: RRc, RRab, RRd",
  },
];

/** Columns of `gaiadr3.vari_eclipsing_binary` (subset). */
export const VARI_ECLIPSING_BINARY_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  {
    name: "global_ranking",
    datatype: "float",
    ucd: "meta.number",
    description: "Global ranking of the two-Gaussian model",
  },
  {
    name: "reference_time",
    datatype: "double",
    unit: "d",
    ucd: "time.epoch",
    description: "Reference time of the primary eclipse (BJD - 2455197.5 days)",
  },
  {
    name: "frequency",
    datatype: "double",
    unit: "d**-1",
    ucd: "src.var;time.frequency",
    description: "Frequency of the two-Gaussian model (1/period)",
  },
  {
    name: "frequency_error",
    datatype: "float",
    unit: "d**-1",
    ucd: "stat.error;src.var;time.frequency",
    description: "Uncertainty on frequency",
  },
  {
    name: "derived_primary_ecl_phase",
    datatype: "float",
    ucd: "src.orbital;time.phase",
    description: "Phase of the primary eclipse",
  },
  mag("derived_primary_ecl_depth", "Depth of the primary eclipse in G", "src.var.amplitude;em.opt"),
  {
    name: "derived_secondary_ecl_phase",
    datatype: "float",
    ucd: "src.orbital;time.phase",
    description: "Phase of the secondary eclipse",
  },
  mag(
    "derived_secondary_ecl_depth",
    "Depth of the secondary eclipse in G",
    "src.var.amplitude;em.opt",
  ),
];

/** Columns of `gaiadr3.vari_long_period_variable` (subset). */
export const VARI_LONG_PERIOD_VARIABLE_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  mag("median_g", "Median G magnitude", "phot.mag;stat.median;em.opt"),
  mag("amplitude", "Amplitude of the G variability (peak to peak)", "src.var.amplitude;em.opt"),
  {
    name: "frequency",
    datatype: "double",
    unit: "d**-1",
    ucd: "src.var;time.frequency",
    description: "Frequency of the LPV",
  },
  {
    name: "frequency_error",
    datatype: "float",
    unit: "d**-1",
    ucd: "stat.error;src.var;time.frequency",
    description: "Error on the frequency",
  },
];

/** Columns of `gaiadr3.astrophysical_parameters` (subset). */
export const ASTROPHYSICAL_PARAMETERS_COLUMNS: ColumnDef[] = [
  SOLUTION_ID,
  SOURCE_ID,
  {
    name: "classprob_dsc_combmod_quasar",
    datatype: "float",
    ucd: "stat.probability",
    description:
      "Probability from DSC-Combmod of being a quasar (data used: BP/RP spectrum, photometry, astrometry)",
  },
  {
    name: "classprob_dsc_combmod_galaxy",
    datatype: "float",
    ucd: "stat.probability",
    description:
      "Probability from DSC-Combmod of being a galaxy (data used: BP/RP spectrum, photometry, astrometry)",
  },
  {
    name: "classprob_dsc_combmod_star",
    datatype: "float",
    ucd: "stat.probability",
    description:
      "Probability from DSC-Combmod of being a single star (but not a white dwarf) (data used: BP/RP spectrum, photometry, astrometry)",
  },
  {
    name: "teff_gspphot",
    datatype: "float",
    unit: "K",
    ucd: "phys.temperature.effective",
    description: "Effective temperature from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "logg_gspphot",
    datatype: "float",
    unit: "log(cm.s**-2)",
    ucd: "phys.gravity",
    description: "Surface gravity from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "mh_gspphot",
    datatype: "float",
    unit: "'dex'",
    ucd: "phys.abund.Z",
    description: "Iron abundance from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "distance_gspphot",
    datatype: "float",
    unit: "pc",
    ucd: "pos.distance;pos.eq",
    description: "Distance from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "azero_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phys.absorption;em.opt",
    description:
      "Monochromatic extinction A_0 at 547.7nm from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "ag_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phys.absorption;em.opt",
    description: "Extinction in G band from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "ebpminrp_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phys.absorption;em.opt",
    description: "Reddening E(G_BP - G_RP) from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "mg_gspphot",
    datatype: "float",
    unit: "mag",
    ucd: "phys.magAbs;em.opt",
    description: "Absolute magnitude M_G from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "radius_gspphot",
    datatype: "float",
    unit: "solRad",
    ucd: "phys.size.radius",
    description: "Radius from GSP-Phot Aeneas best library using BP/RP spectra",
  },
  {
    name: "libname_gspphot",
    datatype: "char",
    arraysize: "*",
    ucd: "meta.note",
    description:
      "Name of library that achieves the highest mean log-posterior in MCMC samples and was used to derive GSP-Phot parameters in this table",
  },
  {
    name: "lum_flame",
    datatype: "float",
    unit: "solLum",
    ucd: "phys.luminosity",
    description:
      "Luminosity of the star from FLAME using G band magnitude, extinction (ag_gspphot), parallax or distance, and a bolometric correction",
  },
  {
    name: "mass_flame",
    datatype: "float",
    unit: "solMass",
    ucd: "phys.mass",
    description: "Mass of the star from FLAME using stellar models",
  },
  {
    name: "age_flame",
    datatype: "float",
    unit: "Gyr",
    ucd: "time.age",
    description: "Age of the star from FLAME using stellar models",
  },
];

function synthetic(what: string): string {
  return `Synthetic stand-in for ${what} ${SYNTHETIC_NOTE}`;
}

/**
 * Every table of the synthetic catalogue, with its columns.
 *
 * @example
 * ```ts
 * import { CATALOGUE_TABLES } from "./columns.ts";
 * const gs = CATALOGUE_TABLES.find((t) => t.name === "gaia_source")!;
 * if (!gs.description.includes("not real Gaia data")) throw new Error("not labelled");
 * if (gs.columns.find((c) => c.name === "pmra")?.unit !== "mas.yr**-1") throw new Error("unit");
 * ```
 */
export const CATALOGUE_TABLES: TableDef[] = [
  {
    schema: "gaiadr3",
    name: "gaia_source",
    description: synthetic(
      "the Gaia DR3 source catalogue: astrometry, photometry, radial velocities and astrophysical parameters",
    ),
    columns: GAIA_SOURCE_COLUMNS,
  },
  {
    schema: "gaiadr3",
    name: "vari_summary",
    description: synthetic(
      "the Gaia DR3 variability summary (statistics of the epoch photometry of variable sources)",
    ),
    columns: VARI_SUMMARY_COLUMNS,
  },
  {
    schema: "gaiadr3",
    name: "vari_classifier_result",
    description: synthetic("the Gaia DR3 variability classification results"),
    columns: VARI_CLASSIFIER_RESULT_COLUMNS,
  },
  {
    schema: "gaiadr3",
    name: "vari_rrlyrae",
    description: synthetic("the Gaia DR3 RR Lyrae table (periods, epochs, amplitudes)"),
    columns: VARI_RRLYRAE_COLUMNS,
  },
  {
    schema: "gaiadr3",
    name: "vari_eclipsing_binary",
    description: synthetic("the Gaia DR3 eclipsing binary table (two-Gaussian model parameters)"),
    columns: VARI_ECLIPSING_BINARY_COLUMNS,
  },
  {
    schema: "gaiadr3",
    name: "vari_long_period_variable",
    description: synthetic("the Gaia DR3 long period variable table"),
    columns: VARI_LONG_PERIOD_VARIABLE_COLUMNS,
  },
  {
    schema: "gaiadr3",
    name: "astrophysical_parameters",
    description: synthetic("the Gaia DR3 astrophysical parameters (GSP-Phot, DSC, FLAME)"),
    columns: ASTROPHYSICAL_PARAMETERS_COLUMNS,
  },
];
